package io.wsgateway.rooms;

import io.wsgateway.bus.BackendEventBodies;
import io.wsgateway.protocol.MessageCodec;
import tools.jackson.databind.JsonNode;

/**
 * A backend's room or broadcast event: {@code {"payload": …, "from": "…"}}, where
 * {@code from} defaults to {@code system} and a body without {@code payload} is the
 * payload itself. The payload is kept as the text the backend sent, numbers included.
 */
record BackendRoomBody(String from, JsonNode payload) {

	static BackendRoomBody read(MessageCodec codec, String body) {
		JsonNode json = BackendEventBodies.parse(codec, body);
		JsonNode payload = (json.isObject() && json.has("payload")) ? json.get("payload") : codec.raw(body);
		String from = BackendEventBodies.text(json, "from");
		return new BackendRoomBody((from != null) ? from : RoomMessages.SYSTEM_SENDER, payload);
	}

}
