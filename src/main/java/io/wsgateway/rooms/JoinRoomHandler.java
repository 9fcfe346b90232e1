package io.wsgateway.rooms;

import java.util.concurrent.CompletionStage;

import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.stereotype.Component;

/** {@code join_room {room}} → {@code room_joined {room, members}}. */
@Component
class JoinRoomHandler implements MessageHandler<JoinRoomHandler.JoinRoom> {

	record JoinRoom(@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
			message = Identifiers.MESSAGE) String room) {
	}

	private final RoomRegistry rooms;

	JoinRoomHandler(RoomRegistry rooms) {
		this.rooms = rooms;
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
		return MessageHandler.reply(new RoomMessages.RoomJoined(message.room(), members));
	}

}
