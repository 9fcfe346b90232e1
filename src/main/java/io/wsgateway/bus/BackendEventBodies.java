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
	 * @throws MalformedEventException if it is not JSON or empty
	 */
	public static JsonNode parse(MessageCodec codec, String body) {
		JsonNode json;
		try {
			json = codec.parse(body);
		}
		catch (JacksonException ex) {
			throw new MalformedEventException("body is not JSON");
		}
		if (json.isMissingNode()) {
			throw new MalformedEventException("body is empty");
		}
		return json;
	}

	/** Returns the field's value if it is a JSON string, else {@code null}. */
	public static String text(JsonNode json, String field) {
		JsonNode value = json.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
