package io.wsgateway.notifications;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

import io.wsgateway.bus.EventBus;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.stereotype.Component;

/**
 * {@code notification_ack {notificationId}}: tells the backend on
 * {@code notification.ack.<userId>}; the sender's {@code ack} follows the broker's confirm.
 */
@Component
class NotificationAckHandler implements MessageHandler<NotificationAckHandler.NotificationAck> {

	record NotificationAck(@NotBlank(message = "is required") @Size(max = 256,
			message = "must be at most 256 characters") String notificationId) {
	}

	record AckEvent(String notificationId, String userId, Instant timestamp) {
	}

	private final EventBus bus;

	private final MessageCodec codec;

	NotificationAckHandler(EventBus bus, MessageCodec codec) {
		this.bus = bus;
		this.codec = codec;
	}

	@Override
	public String type() {
		return "notification_ack";
	}

	@Override
	public Class<NotificationAck> messageClass() {
		return NotificationAck.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, NotificationAck message) {
		String json = this.codec.mapper()
			.writeValueAsString(new AckEvent(message.notificationId(), session.userId(), Instant.now()));
		return this.bus.publishToBackend("notification.ack." + session.userId(), json).thenApply((confirmed) -> null);
	}

}
