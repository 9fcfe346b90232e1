package io.wsgateway.rooms;

import java.util.concurrent.CompletionStage;

import io.wsgateway.hub.ChannelHub;
import io.wsgateway.presence.ClusterPresence;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.stereotype.Component;

/** {@code leave_room {room}} → {@code room_left {room}}, also when the connection was not a member. */
@Component
class LeaveRoomHandler implements MessageHandler<LeaveRoomHandler.LeaveRoom> {

	record LeaveRoom(@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
			message = Identifiers.MESSAGE) String room) {
	}

	private final ChannelHub hub;

	private final ClusterPresence presence;

	LeaveRoomHandler(ChannelHub hub, ClusterPresence presence) {
		this.hub = hub;
		this.presence = presence;
	}

	@Override
	public String type() {
		return "leave_room";
	}

	@Override
	public Class<LeaveRoom> messageClass() {
		return LeaveRoom.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, LeaveRoom message) {
		this.hub.leave(RoomFamily.room(message.room()), session);
		this.presence.left(session, message.room());
		return MessageHandler.reply(new RoomMessages.RoomLeft(message.room()));
	}

}
