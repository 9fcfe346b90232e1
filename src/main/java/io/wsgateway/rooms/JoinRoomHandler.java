package io.wsgateway.rooms;

import java.util.concurrent.CompletionStage;

import io.wsgateway.presence.ClusterPresence;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.stereotype.Component;

/**
 * {@code join_room {room, presence?}} → {@code room_joined {room, members}}, where
 * {@code members} counts the room's connections on every node. With {@code presence: true}
 * the connection also receives {@code presence {room, userId, action}} as users join and
 * leave the room.
 */
@Component
class JoinRoomHandler implements MessageHandler<JoinRoomHandler.JoinRoom> {

	record JoinRoom(@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
			message = Identifiers.MESSAGE) String room, Boolean presence) {
	}

	private final RoomRegistry rooms;

	private final ClusterPresence presence;

	JoinRoomHandler(RoomRegistry rooms, ClusterPresence presence) {
		this.rooms = rooms;
		this.presence = presence;
	}

	@Override
	public String type() {
		return "join_room";
	}

	@Override
	public Class<JoinRoom> messageClass() {
		return JoinRoom.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, JoinRoom message) {
		int members = this.rooms.join(message.room(), session);
		this.presence.joined(session, message.room(), Boolean.TRUE.equals(message.presence()));
		return MessageHandler
			.reply(new RoomMessages.RoomJoined(message.room(), members + this.presence.remoteMembers(message.room())));
	}

}
