package io.wsgateway.chat;

import java.util.concurrent.CompletionStage;

import io.wsgateway.NodeProperties;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.EventBus;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.stereotype.Component;

/**
 * {@code typing {clanId, isTyping}} from a subscribed connection: {@code typing} to the
 * clan's other subscribed connections on every node. Never echoed, never stored, never
 * sent to backends; no reply unless the message carried an {@code id} ({@code ack}).
 */
@Component
class TypingHandler implements MessageHandler<TypingHandler.TypingRequest> {

	record TypingRequest(
			@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
					message = Identifiers.MESSAGE) String clanId,
			@NotNull(message = "is required") Boolean isTyping) {
	}

	private final EventBus bus;

	private final ChannelHub hub;

	private final MessageCodec codec;

	private final String node;

	TypingHandler(EventBus bus, ChannelHub hub, MessageCodec codec, NodeProperties node) {
		this.bus = bus;
		this.hub = hub;
		this.codec = codec;
		this.node = node.nodeId();
	}

	@Override
	public String type() {
		return "typing";
	}

	@Override
	public Class<TypingRequest> messageClass() {
		return TypingRequest.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, TypingRequest message) {
		if (!this.hub.isMember(ClanFamily.clan(message.clanId()), session)) {
			throw new GatewayException(ErrorCode.FORBIDDEN,
					"not subscribed to clan chat '" + message.clanId() + "'");
		}
		String frame = this.codec
			.encode(new ChatMessages.Typing(message.clanId(), session.userId(), message.isTyping()))
			.text();
		return this.bus
			.publish(new BusEvent.Frame(ClanFamily.CLANS.routingKey(message.clanId()), "typing", frame, this.node,
					session.id()))
			.thenApply((published) -> null);
	}

}
