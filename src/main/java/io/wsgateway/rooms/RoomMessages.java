package io.wsgateway.rooms;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.wsgateway.protocol.ServerMessage;
import tools.jackson.databind.JsonNode;

/**
 * The server messages of the rooms family. {@code room_message} and {@code broadcast} are
 * public for the server API, which sends them too.
 */
public final class RoomMessages {

	/** The sender of room messages and broadcasts that name none (backend events, the server API). */
	public static final String SYSTEM_SENDER = "system";

	private RoomMessages() {
	}

	/**
	 * {@code members}: the room's member connections on every node (the other nodes' as
	 * presence last heard). With history: the room's current {@code offset} and
	 * {@code epoch}, and {@code recovered} when the join asked to {@code recover}.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record RoomJoined(String room, int members, Long offset, String epoch, Boolean recovered) implements ServerMessage {

		@Override
		public String type() {
			return "room_joined";
		}

	}

	record RoomLeft(String room) implements ServerMessage {

		@Override
		public String type() {
			return "room_left";
		}

	}

	/** {@code room_message}: sent to a room's members. */
	public record RoomMessage(String room, String from, JsonNode payload, Instant timestamp) implements ServerMessage {

		@Override
		public String type() {
			return "room_message";
		}

	}

	/** {@code broadcast}: sent to every connection. */
	public record Broadcast(String from, JsonNode payload, Instant timestamp) implements ServerMessage {

		@Override
		public String type() {
			return "broadcast";
		}

	}

}
