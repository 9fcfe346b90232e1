package io.wsgateway.rooms;

import java.time.Instant;

import io.wsgateway.protocol.ServerMessage;
import tools.jackson.databind.JsonNode;

/** The server messages of the rooms family. */
final class RoomMessages {

	private RoomMessages() {
	}

	/** {@code members}: the room's member connections on every node (the other nodes' as presence last heard). */
	record RoomJoined(String room, int members) implements ServerMessage {

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

	record RoomMessage(String room, String from, JsonNode payload, Instant timestamp) implements ServerMessage {

		@Override
		public String type() {
			return "room_message";
		}

	}

	record Broadcast(String from, JsonNode payload, Instant timestamp) implements ServerMessage {

		@Override
		public String type() {
			return "broadcast";
		}

	}

}
