package io.wsgateway.rooms;

import java.time.Instant;
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
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * {@code broadcast {room, payload}}: a member sends {@code room_message} to the room's
 * other connections on every node. {@code broadcast {payload}} without a room: role
 * {@code admin} sends {@code broadcast} to every connection on every node. Either way the
 * sender gets {@code ack} when it gave an {@code id}.
 */
@Component
class BroadcastHandler implements MessageHandler<BroadcastHandler.BroadcastRequest> {

	static final String ADMIN_ROLE = "admin";

	record BroadcastRequest(@Pattern(regexp = Identifiers.PATTERN, message = Identifiers.MESSAGE) String room,
			@NotNull(message = "is required") JsonNode payload) {
	}

	private final EventBus bus;

	private final ChannelHub hub;

	private final MessageCodec codec;

	private final String node;

	private final ChannelHistory history;

	BroadcastHandler(EventBus bus, ChannelHub hub, MessageCodec codec, NodeProperties node, ChannelHistory history) {
		this.bus = bus;
		this.hub = hub;
		this.history = history;
		this.codec = codec;
		this.node = node.nodeId();
	}

	@Override
	public String type() {
		return "broadcast";
	}

	@Override
	public Class<BroadcastRequest> messageClass() {
		return BroadcastRequest.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, BroadcastRequest message) {
		Instant now = Instant.now();
		BusEvent.Frame event;
		if (message.room() == null) {
			if (!session.identity().hasRole(ADMIN_ROLE)) {
				throw new GatewayException(ErrorCode.FORBIDDEN, "broadcast without a room needs the admin role");
			}
			String frame = this.codec.encode(new RoomMessages.Broadcast(session.userId(), message.payload(), now)).text();
			event = new BusEvent.Frame(GlobalBroadcastListener.KEY, "broadcast", frame, this.node, null);
		}
		else {
			if (!this.hub.isMember(RoomFamily.room(message.room()), session)) {
				throw new GatewayException(ErrorCode.FORBIDDEN, "not a member of room '" + message.room() + "'");
			}
			String frame = this.codec
				.encode(new RoomMessages.RoomMessage(message.room(), session.userId(), message.payload(), now))
				.text();
			event = new BusEvent.Frame(RoomFamily.ROOMS.routingKey(message.room()), "room", frame, this.node,
					session.id());
		}
		// A room's message gets its offset first when the room keeps history.
		return this.history.publish(event, this.bus::publish).thenApply((published) -> null);
	}

}
