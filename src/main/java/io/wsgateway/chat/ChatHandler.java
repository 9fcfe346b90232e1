package io.wsgateway.chat;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import io.wsgateway.NodeProperties;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.EventBus;
import io.wsgateway.history.ChannelHistory;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.stereotype.Component;

/**
 * {@code chat {clanId, content, messageType}} from a subscribed connection: the {@code chat}
 * event goes, as one broker message, to the clan's other subscribed connections on every
 * node (the sender's other devices included) and to backends on
 * {@code chat.message.<clanId>}; the sender's {@code message_sent {messageId}} follows the
 * broker's confirm. An error means it reached no member and no backend.
 */
@Component
class ChatHandler implements MessageHandler<ChatHandler.ChatRequest> {

	static final String DEFAULT_MESSAGE_TYPE = "TEXT";

	record ChatRequest(
			@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
					message = Identifiers.MESSAGE) String clanId,
			@NotBlank(message = "is required") String content,
			@Pattern(regexp = "[A-Za-z0-9_]{1,32}", message = "must be 1 to 32 characters of [A-Za-z0-9_]") String messageType) {

		ChatRequest {
			if (messageType == null) {
				messageType = DEFAULT_MESSAGE_TYPE;
			}
		}

	}

	private final EventBus bus;

	private final ChannelHub hub;

	private final MessageCodec codec;

	private final String node;

	private final ChannelHistory history;

	ChatHandler(EventBus bus, ChannelHub hub, MessageCodec codec, NodeProperties node, ChannelHistory history) {
		this.bus = bus;
		this.hub = hub;
		this.history = history;
		this.codec = codec;
		this.node = node.nodeId();
	}

	@Override
	public String type() {
		return "chat";
	}

	@Override
	public Class<ChatRequest> messageClass() {
		return ChatRequest.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, ChatRequest message) {
		if (!this.hub.isMember(ClanFamily.clan(message.clanId()), session)) {
			throw new GatewayException(ErrorCode.FORBIDDEN,
					"not subscribed to clan chat '" + message.clanId() + "'");
		}
		if (!this.bus.isConnected()) {
			throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "chat is unavailable, try again later");
		}
		String messageId = UUID.randomUUID().toString();
		String frame = this.codec.encode(new ChatMessages.Chat(messageId, message.clanId(), session.userId(),
				message.content(), message.messageType(), Instant.now())).text();
		// One broker message for the members on every node and for backends: one outcome for both.
		BusEvent.Frame event = new BusEvent.Frame(ClanFamily.CLANS.routingKey(message.clanId()), "chat", frame,
				this.node, session.id());
		String backendKey = ClanFamily.backendKey(message.clanId());
		return this.history.publish(event, (stamped) -> this.bus.publishWithBackend(stamped, backendKey))
			.thenApply((confirmed) -> new ChatMessages.MessageSent(messageId));
	}

}
