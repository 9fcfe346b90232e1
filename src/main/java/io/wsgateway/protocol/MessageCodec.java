package io.wsgateway.protocol;

import java.time.Instant;

import io.wsgateway.session.OutboundFrame;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.io.JsonStringEncoder;
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

	private static final String CONNECTED = "connected";

	private static final String CONNECTED_ID = "{\"type\":\"connected\",\"connectionId\":\"";

	private static final String CONNECTED_USER = "\",\"userId\":\"";

	private static final String CONNECTED_INTERVAL = "\",\"message\":\"Connected to websocket-gateway\",\"heartbeatIntervalMs\":";

	private static final int CONNECTED_LENGTH = CONNECTED_ID.length() + CONNECTED_USER.length()
			+ CONNECTED_INTERVAL.length() + 64;

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

	private final JsonStringEncoder strings = JsonStringEncoder.getInstance();

	/** Returns the mapper, for handlers that build or read free-form JSON. */
	public JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Reads a client message in one pass, without a tree: its envelope and top-level fields,
	 * for {@link RequestReader} to bind. A message that is JSON but not an object reads as one
	 * that {@link InboundMessage#isObject() is not}.
	 * @throws tools.jackson.core.JacksonException if it is not JSON, as {@link #parse} would
	 */
	public InboundMessage read(String text) {
		try (JsonParser parser = this.mapper.createParser(text)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				this.mapper.readTree(text);
				return InboundMessage.NOT_AN_OBJECT;
			}
			InboundMessage message = new InboundMessage(true);
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				switch (parser.nextToken()) {
					case VALUE_STRING -> message.add(name, InboundMessage.STRING, parser.getString());
					case VALUE_TRUE -> message.add(name, InboundMessage.TRUE, null);
					case VALUE_FALSE -> message.add(name, InboundMessage.FALSE, null);
					case VALUE_NULL -> message.add(name, InboundMessage.NULL, null);
					case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> message.add(name, InboundMessage.NUMBER,
							parser.getString());
					default -> {
						int start = (int) parser.currentTokenLocation().getCharOffset();
						parser.skipChildren();
						int end = (int) parser.currentLocation().getCharOffset();
						message.add(name, InboundMessage.STRUCTURE, text.substring(start, end));
					}
				}
			}
			if (parser.nextToken() != null) {
				throw new StreamReadException(parser, "content after the message");
			}
			return message;
		}
	}

	/**
	 * Returns the reader that binds messages to {@code type}; decided once per type, so call
	 * it once per handler, not per message.
	 */
	<T> RequestReader<T> readerFor(Class<T> type) {
		return new RequestReader<>(this, type);
	}

	/** Returns the field of a message read by {@link #read} as {@link #parse} would have made it. */
	JsonNode node(InboundMessage message, int field) {
		String value = message.value(field);
		return switch (message.kind(field)) {
			case InboundMessage.STRING -> this.nodes.stringNode(value);
			case InboundMessage.TRUE -> this.nodes.booleanNode(true);
			case InboundMessage.FALSE -> this.nodes.booleanNode(false);
			case InboundMessage.NULL -> this.nodes.nullNode();
			default -> PAYLOAD.equals(message.name(field)) ? this.nodes.rawValueNode(new RawValue(value))
					: this.valueReader.readValue(value);
		};
	}

	/** Returns a message read by {@link #read} as the tree {@link #parse} would have made of it. */
	ObjectNode tree(InboundMessage message) {
		ObjectNode tree = this.nodes.objectNode();
		for (int i = 0; i < message.size(); i++) {
			tree.set(message.name(i), node(message, i));
		}
		return tree;
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
			json.append(",\"id\":\"");
			this.strings.quoteAsString(id, json);
			json.append('"');
		}
		if (fields.length() > 2) {
			json.append(',').append(fields, 1, fields.length());
		}
		else {
			json.append('}');
		}
		return OutboundFrame.of(json.toString(), message.type());
	}

	/**
	 * Encodes the {@code connected} frame, as {@link #encode} would encode
	 * {@link ProtocolMessages.Connected}, around its constant parts: it is written once per
	 * handshake.
	 */
	public OutboundFrame connected(String connectionId, String userId, long heartbeatIntervalMs, Instant expiresAt) {
		StringBuilder json = new StringBuilder(CONNECTED_LENGTH + connectionId.length() + userId.length())
			.append(CONNECTED_ID);
		this.strings.quoteAsString(connectionId, json);
		json.append(CONNECTED_USER);
		this.strings.quoteAsString(userId, json);
		json.append(CONNECTED_INTERVAL).append(heartbeatIntervalMs);
		if (expiresAt != null) {
			json.append(",\"expiresAt\":\"").append(expiresAt).append('"');
		}
		return OutboundFrame.of(json.append('}').toString(), CONNECTED);
	}

	/** Encodes an {@code error} reply. */
	public OutboundFrame error(String id, ErrorCode code, String message) {
		return encode(new ProtocolMessages.Error(code.code(), message), id);
	}

}
