package io.wsgateway.testsupport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on the wire format of section 2 and 3 of the protocol, for end-to-end tests.
 * <pre>{@code
 * JsonNode reply = alice.request("{\"type\":\"join_room\",\"room\":\"lobby\"}");
 * Wire.assertFields(reply, "type", "id", "room", "members");
 * Wire.assertNothingQueued(bob);          // bob got nothing before this point
 * }</pre>
 */
public final class Wire {

	private static final AtomicLong fences = new AtomicLong();

	private Wire() {
	}

	/** Parses JSON text with the client's mapper. */
	public static JsonNode json(String text) {
		return TestClient.json().readTree(text);
	}

	/**
	 * Returns the JSON text of a client message: {@code type} and then the given field
	 * names and values (strings, numbers, booleans, {@code null}, maps, lists or JSON nodes).
	 * <pre>{@code Wire.message("broadcast", "id", "b-1", "room", "lobby", "payload", Map.of("n", 1))}</pre>
	 */
	public static String message(String type, Object... namesAndValues) {
		if (namesAndValues.length % 2 != 0) {
			throw new IllegalArgumentException("names and values must come in pairs");
		}
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("type", type);
		for (int i = 0; i < namesAndValues.length; i += 2) {
			message.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return TestClient.json().writeValueAsString(message);
	}

	/**
	 * Returns a JSON object of 8,192 property names that share one hash in Jackson's name
	 * table (13 blocks of {@code Ab} or {@code BA}, a well-known collision family).
	 */
	public static String collidingNames() {
		StringBuilder json = new StringBuilder(300_000).append('{');
		for (int i = 0; i < 8192; i++) {
			json.append((i > 0) ? ",\"" : "\"");
			for (int block = 0; block < 13; block++) {
				json.append((((i >> block) & 1) == 0) ? "Ab" : "BA");
			}
			json.append("\":1");
		}
		return json.append('}').toString();
	}

	/** Returns a short random suffix for names (users, rooms, clans) that no other test uses. */
	public static String unique() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

	/** Asserts that the message has exactly these fields, in any order. */
	public static void assertFields(JsonNode message, String... names) {
		List<String> actual = new ArrayList<>(message.propertyNames());
		assertThat(actual).as("fields of %s", message).containsExactlyInAnyOrder(names);
	}

	/** Asserts that the value is an ISO-8601 UTC timestamp string and returns it. */
	public static Instant assertIsoTimestamp(JsonNode value) {
		assertThat(value.isString()).as("timestamp %s is a string", value).isTrue();
		assertThat(value.asString()).as("timestamp in UTC").endsWith("Z");
		return Instant.parse(value.asString());
	}

	/**
	 * Asserts that the message is exactly {@code {type: "error", id, code, message}} (no
	 * {@code id} when {@code id} is {@code null}) and returns its {@code message}.
	 */
	public static String assertError(JsonNode message, String id, String code) {
		assertThat(message.path("type").asString(null)).as("type of %s", message).isEqualTo("error");
		assertThat(message.path("code").asString(null)).as("code of %s", message).isEqualTo(code);
		assertThat(message.path("message").asString("")).as("message of %s", message).isNotBlank();
		if (id != null) {
			assertThat(message.path("id").asString(null)).as("id of %s", message).isEqualTo(id);
			assertFields(message, "type", "id", "code", "message");
		}
		else {
			assertFields(message, "type", "code", "message");
		}
		return message.get("message").asString();
	}

	/**
	 * Asserts that nothing is queued for the client, also on the server: sends a {@code ping}
	 * with an id and requires the {@code pong} to be the very next message. The server
	 * handles a connection's messages in order and queues its frames in order, so anything
	 * that was queued for this connection before the ping (such as a fan-out from another
	 * connection whose reply the test has already seen) would arrive first.
	 */
	public static void assertNothingQueued(TestClient client) {
		String id = "fence-" + fences.incrementAndGet();
		client.send("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
		JsonNode next = client.next();
		assertThat(next.path("id").asString(null)).as("expected nothing before the pong, got %s", next).isEqualTo(id);
		assertThat(next.path("type").asString(null)).isEqualTo("pong");
	}

}
