package io.wsgateway.bus;

import io.wsgateway.protocol.MessageCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Reading the JSON bodies that backends publish, for the families' listeners. */
public final class BackendEventBodies {

	private BackendEventBodies() {
	}

	/**
	 * Returns the parsed body.
	 * @throws MalformedEventException if it is not JSON
	 */
	public static JsonNode parse(MessageCodec codec, String body) {
		try {
			return codec.parse(body);
		}
		catch (JacksonException ex) {
			throw new MalformedEventException("body is not JSON");
		}
	}

	/** Returns the field's value if it is a JSON string, else {@code null}. */
	public static String text(JsonNode json, String field) {
		JsonNode value = json.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
