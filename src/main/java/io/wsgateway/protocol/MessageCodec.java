package io.wsgateway.protocol;

import io.wsgateway.session.OutboundFrame;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.databind.util.RawValue;

import org.springframework.stereotype.Component;

/**
 * Reads client messages and writes server messages. Strict on input types (a number is
 * not a string, {@code "true"} is not a boolean) and lenient on extra fields, so newer
 * clients can talk to older gateways. Its own mapper keeps the wire format independent
 * of the application's {@code spring.jackson.*} settings.
 * <p>
 * Its parsers share no state: Jackson's default factory canonicalizes property names in a
 * table shared by every parser, and one message of colliding names leaves that table
 * inconsistent for everyone else (issue 24); docs/decisions.md has the measurement. A
 * message's {@code payload} is kept as the JSON text the client sent, so it goes back out
 * unchanged, numbers included ({@code 1e999999} is not {@code Infinity}).
 */
@Component
public class MessageCodec {

	/** The field whose value handlers pass on unread, as sent. */
	static final String PAYLOAD = "payload";

	private final JsonMapper mapper = JsonMapper
		.builder(JsonFactory.builder().disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES).build())
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
		.withCoercionConfig(LogicalType.Textual, (config) -> {
			config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
			config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
			config.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
		})
		.build();

	private final ObjectReader valueReader = this.mapper.readerFor(JsonNode.class)
		.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

	private final JsonNodeFactory nodes = this.mapper.getNodeFactory();

	/** Returns the mapper, for handlers that build or read free-form JSON. */
	public JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Parses a frame or a backend's event body. In an object, the value of {@code payload}
	 * is kept as the text sent (a raw value node, written back as it came).
	 * @return the message; a missing node for blank text
	 * @throws tools.jackson.core.JacksonException if it is not JSON
	 */
	public JsonNode parse(String text) {
		try (JsonParser parser = this.mapper.createParser(text)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return this.mapper.readTree(text);
			}
			ObjectNode message = this.nodes.objectNode();
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				parser.nextToken();
				message.set(name, PAYLOAD.equals(name) ? raw(parser, text) : value(parser));
			}
			if (parser.nextToken() != null) {
				throw new StreamReadException(parser, "content after the message");
			}
			return message;
		}
	}

	/** Returns JSON text that was parsed without error as a node that is written back as it is. */
	public JsonNode raw(String json) {
		return this.nodes.rawValueNode(new RawValue(json.strip()));
	}

	/** Binds a parsed message to its record; throws {@link tools.jackson.core.JacksonException} on a type mismatch. */
	public <T> T bind(JsonNode message, Class<T> type) {
		return this.mapper.treeToValue(message, type);
	}

	private JsonNode value(JsonParser parser) {
		return switch (parser.currentToken()) {
			case VALUE_STRING -> this.nodes.stringNode(parser.getString());
			case VALUE_TRUE, VALUE_FALSE -> this.nodes.booleanNode(parser.getBooleanValue());
			case VALUE_NULL -> this.nodes.nullNode();
			default -> this.valueReader.readValue(parser);
		};
	}

	/** The value the parser is at, as the text sent: a number's digits, a structure's characters. */
	private JsonNode raw(JsonParser parser, String text) {
		JsonToken token = parser.currentToken();
		if (token.isNumeric()) {
			return this.nodes.rawValueNode(new RawValue(parser.getString()));
		}
		if (!token.isStructStart()) {
			return value(parser);
		}
		int start = (int) parser.currentTokenLocation().getCharOffset();
		parser.skipChildren();
		int end = (int) parser.currentLocation().getCharOffset();
		return this.nodes.rawValueNode(new RawValue(text.substring(start, end)));
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
