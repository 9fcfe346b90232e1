package io.wsgateway.protocol;

import io.wsgateway.session.OutboundFrame;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

import org.springframework.stereotype.Component;

/**
 * Reads client messages and writes server messages. Strict on input types (a number is
 * not a string, {@code "true"} is not a boolean) and lenient on extra fields, so newer
 * clients can talk to older gateways. Its own mapper keeps the wire format independent
 * of the application's {@code spring.jackson.*} settings.
 */
@Component
public class MessageCodec {

	private final JsonMapper mapper = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
		.withCoercionConfig(LogicalType.Textual, (config) -> {
			config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
			config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
			config.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
		})
		.build();

	/** Returns the mapper, for handlers that build or read free-form JSON. */
	public JsonMapper mapper() {
		return this.mapper;
	}

	/** Parses a frame; throws {@link tools.jackson.core.JacksonException} if it is not JSON. */
	public JsonNode parse(String text) {
		return this.mapper.readTree(text);
	}

	/** Binds a parsed message to its record; throws {@link tools.jackson.core.JacksonException} on a type mismatch. */
	public <T> T bind(JsonNode message, Class<T> type) {
		return this.mapper.treeToValue(message, type);
	}

	/** Encodes a message without an {@code id}, for pushes and fan-out. */
	public OutboundFrame encode(ServerMessage message) {
		return encode(message, null);
	}

	/** Encodes a reply, {@code type} first, then {@code id} if given, then the message's fields. */
	public OutboundFrame encode(ServerMessage message, String id) {
		String fields = this.mapper.writeValueAsString(message);
		StringBuilder json = new StringBuilder(fields.length() + 48).append("{\"type\":\"").append(message.type()).append('"');
		if (id != null) {
			json.append(",\"id\":").append(this.mapper.writeValueAsString(id));
		}
		if (fields.length() > 2) {
			json.append(',').append(fields, 1, fields.length());
		}
		else {
			json.append('}');
		}
		return OutboundFrame.of(json.toString(), message.type());
	}

	/** Encodes an {@code error} reply. */
	public OutboundFrame error(String id, ErrorCode code, String message) {
		return encode(new ProtocolMessages.Error(code.code(), message), id);
	}

}
