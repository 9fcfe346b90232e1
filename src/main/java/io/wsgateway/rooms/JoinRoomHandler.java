package io.wsgateway.rooms;

import java.util.concurrent.CompletionStage;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.history.HistoryFamily;
import io.wsgateway.history.Recover;
import io.wsgateway.history.Recoveries;
import io.wsgateway.presence.ClusterPresence;
import io.wsgateway.protocol.FollowedReply;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.LimitsProperties;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * {@code join_room {room, presence?}} → {@code room_joined {room, members}}, where
 * {@code members} counts the room's connections on every node. With {@code presence: true}
 * the connection also receives {@code presence {room, userId, action}} as users join and
 * leave the room. A connection is a member of at most
 * {@code gateway.limits.max-rooms-per-connection} rooms: a join beyond it is answered
 * {@code limit_exceeded} and changes nothing, while joining a room it is already in still
 * succeeds. When rooms keep history the reply carries the room's {@code offset} and
 * {@code epoch}, and {@code recover {offset, epoch}} replays what the connection missed
 * right after it ({@link Recoveries}).
 */
@Component
class JoinRoomHandler implements MessageHandler<JoinRoomHandler.JoinRoom> {

	record JoinRoom(@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
			message = Identifiers.MESSAGE) String room, Boolean presence, JsonNode recover) {
	}

	private final ChannelHub hub;

	private final ClusterPresence presence;

	private final int maxRooms;

	private final Recoveries recoveries;

	JoinRoomHandler(ChannelHub hub, ClusterPresence presence, LimitsProperties limits, Recoveries recoveries) {
		this.hub = hub;
		this.presence = presence;
		this.maxRooms = limits.maxRoomsPerConnection();
		this.recoveries = recoveries;
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
		Recover recover = Recover.of(message.recover());
		int[] members = new int[1];
		Recoveries.Joined joined = this.recoveries.join(HistoryFamily.ROOMS, message.room(), session, recover,
				() -> members[0] = this.hub.join(room, session),
				() -> this.hub.leave(room, session));
		this.presence.joined(session, message.room(), Boolean.TRUE.equals(message.presence()));
		return MessageHandler.reply(new FollowedReply(new RoomMessages.RoomJoined(message.room(),
				members[0] + this.presence.remoteMembers(message.room()), joined.offset(), joined.epoch(),
				joined.recovered()), joined.afterReply()));
	}

}
