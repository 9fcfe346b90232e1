package io.wsgateway.rooms;

import java.util.concurrent.CompletionStage;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.presence.ClusterPresence;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.LimitsProperties;
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
 * leave the room. A connection is a member of at most
 * {@code gateway.limits.max-rooms-per-connection} rooms: a join beyond it is answered
 * {@code limit_exceeded} and changes nothing, while joining a room it is already in still
 * succeeds.
 */
@Component
class JoinRoomHandler implements MessageHandler<JoinRoomHandler.JoinRoom> {

	record JoinRoom(@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
			message = Identifiers.MESSAGE) String room, Boolean presence) {
	}

	private final ChannelHub hub;

	private final ClusterPresence presence;

	private final int maxRooms;

	JoinRoomHandler(ChannelHub hub, ClusterPresence presence, LimitsProperties limits) {
		this.hub = hub;
		this.presence = presence;
		this.maxRooms = limits.maxRoomsPerConnection();
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
		// Only this handler adds rooms, on the connection's inbound thread: no join can race this check.
		Channel room = RoomFamily.room(message.room());
		if (!this.hub.isMember(room, session) && this.hub.channelsOf(session, Channel.ROOM).size() >= this.maxRooms) {
			throw new GatewayException(ErrorCode.LIMIT_EXCEEDED,
					"a connection may be in at most " + this.maxRooms + " rooms; leave one first");
		}
		int members = this.hub.join(room, session);
		this.presence.joined(session, message.room(), Boolean.TRUE.equals(message.presence()));
		return MessageHandler
			.reply(new RoomMessages.RoomJoined(message.room(), members + this.presence.remoteMembers(message.room())));
	}

}
