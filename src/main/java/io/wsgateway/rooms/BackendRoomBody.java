package io.wsgateway.rooms;

import io.wsgateway.bus.MalformedEventException;
import io.wsgateway.protocol.MessageCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A backend's room or broadcast event: {@code {"payload": …, "from": "…"}}, where
 * {@code from} defaults to {@code system} and a body without {@code payload} is the
 * payload itself.
 */
record BackendRoomBody(String from, JsonNode payload) {

	static final String SYSTEM_SENDER = "system";

	static BackendRoomBody read(MessageCodec codec, String body) {
		JsonNode json;
		try {
			json = codec.parse(body);
		}
		catch (JacksonException ex) {
			throw new MalformedEventException("body is not JSON");
		}
		JsonNode payload = (json.isObject() && json.has("payload")) ? json.get("payload") : json;
		JsonNode from = json.get("from");
		return new BackendRoomBody((from != null && from.isString()) ? from.asString() : SYSTEM_SENDER, payload);
	}

}
