package io.wsgateway.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.wsgateway.testsupport.HandshakeResult;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/websocket} and {@code /actuator/prometheus} after a scripted set of
 * connections, messages, refused handshakes and a close, on a node of its own so that
 * every count is exact: four connections of three users (one closes normally), two rooms,
 * a room broadcast, echoes, a ping, an unknown type and bad JSON, a clan chat subscription
 * with a chat message and a typing event, a notification subscription, one handshake
 * without a token and one from a foreign origin.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "gateway.node-id=ops-scripted-node")
@ActiveProfiles("test")
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScriptedTrafficTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final String suffix = Wire.unique();

	private final String alice = "alice-" + this.suffix;

	private final String bob = "bob-" + this.suffix;

	private final String carol = "carol-" + this.suffix;

	private final String room = "room-" + this.suffix;

	private final String otherRoom = "other-" + this.suffix;

	private final String clan = "clan-" + this.suffix;

	@LocalServerPort
	int port;

	private Actuator actuator;

	private TestClient alice1;

	private TestClient alice2;

	private TestClient bobClient;

	private TestClient carolClient;

	private final List<String> connectionIds = new ArrayList<>();

	private long bytesIn;

	private String alice2ConnectionId;

	@BeforeAll
	void script() {
		this.actuator = Actuator.at(this.port);
		this.alice1 = connect(TestTokens.token(this.alice));
		this.alice2 = connect(TestTokens.token(this.alice));
		this.bobClient = connect(TestTokens.token(this.bob));
		this.carolClient = connect(TestTokens.token(this.carol, List.of(), List.of(this.clan)));

		// rooms: alice twice and bob in room, bob also in otherRoom
		reply(this.alice1, "j1", Wire.message("join_room", "id", "j1", "room", this.room));
		reply(this.alice2, "j2", Wire.message("join_room", "id", "j2", "room", this.room));
		reply(this.bobClient, "j3", Wire.message("join_room", "id", "j3", "room", this.room));
		reply(this.bobClient, "j4", Wire.message("join_room", "id", "j4", "room", this.otherRoom));
		// a room broadcast: ack to the sender, room_message to the two other members
		assertThat(reply(this.alice1, "b1", Wire.message("broadcast", "id", "b1", "room", this.room, "payload", "hi"))
			.path("type")
			.asString()).isEqualTo("ack");
		this.alice2.next("room_message");
		this.bobClient.next("room_message");

		// echo, ping, an unknown type, bad JSON
		reply(this.bobClient, "e1", Wire.message("echo", "id", "e1", "payload", "one"));
		reply(this.bobClient, "e2", Wire.message("echo", "id", "e2", "payload", "two"));
		reply(this.bobClient, "p1", Wire.message("ping", "id", "p1"));
		assertThat(reply(this.bobClient, "u1", Wire.message("jion_room", "id", "u1", "room", "x")).path("code")
			.asString()).isEqualTo("unknown_type");
		send(this.bobClient, "this is not json");
		assertThat(this.bobClient.next("error").path("code").asString()).isEqualTo("bad_json");

		// subscriptions, a chat message and a typing event (no other subscriber receives them)
		reply(this.carolClient, "s1", Wire.message("subscribe_clan_chat", "id", "s1", "clanId", this.clan));
		reply(this.carolClient, "s2", Wire.message("subscribe_notifications", "id", "s2"));
		assertThat(reply(this.carolClient, "c1",
				Wire.message("chat", "id", "c1", "clanId", this.clan, "content", "hello clan"))
			.path("type")
			.asString()).isEqualTo("message_sent");
		reply(this.carolClient, "t1", Wire.message("typing", "id", "t1", "clanId", this.clan, "isTyping", true));

		// refused handshakes: no token, and a foreign origin
		HandshakeResult noToken = TestClient.handshake(TestClient.uri(this.port), Map.of());
		assertThat(noToken.status()).isEqualTo(401);
		Map<String, String> foreign = new LinkedHashMap<>(TestClient.bearer(TestTokens.token(this.bob)));
		foreign.put("Origin", "https://evil.example");
		HandshakeResult foreignOrigin = TestClient.handshake(TestClient.uri(this.port), foreign);
		assertThat(foreignOrigin.status()).isEqualTo(403);

		// one connection closes normally: 1000, and alice leaves room with it
		this.alice2ConnectionId = this.alice2.connectionId();
		this.alice2.close();
		await().atMost(WAIT).until(() -> {
			JsonNode stats = this.actuator.websocketEndpoint();
			return stats.path("connections").asInt() == 3 && stats.path("closes").path("1000").asInt() == 1
					&& stats.path("rooms").path("members").path(this.room).asInt() == 2;
		});
	}

	@AfterAll
	void closeClients() {
		for (TestClient client : List.of(this.alice1, this.bobClient, this.carolClient)) {
			if (client != null) {
				client.close();
			}
		}
	}

	@Test
	void websocketEndpointShowsWhatTheNodeHoldsAndHasDone() {
		Map<String, Long> expectedOut = expectedOut();
		await().atMost(WAIT).until(() -> counts(this.actuator.websocketEndpoint().path("messages").path("out"))
			.equals(expectedOut));
		JsonNode stats = this.actuator.websocketEndpoint();

		assertThat(stats.path("node").asString()).isEqualTo("ops-scripted-node");
		assertThat(stats.path("connections").asInt()).isEqualTo(3);
		assertThat(stats.path("users").asInt()).isEqualTo(3);
		assertThat(stats.path("maxConnections").asInt()).isEqualTo(10000);
		assertThat(counts(stats.path("connectionsPerIp"))).containsExactly(Map.entry("127.0.0.1", 3L));

		assertThat(stats.path("rooms").path("count").asInt()).isEqualTo(2);
		assertThat(counts(stats.path("rooms").path("members"))).containsOnly(Map.entry(this.room, 2L),
				Map.entry(this.otherRoom, 1L));

		JsonNode subscriptions = stats.path("subscriptions");
		assertThat(subscriptions.path("clan_chat").path("clans").asInt()).isEqualTo(1);
		assertThat(subscriptions.path("clan_chat").path("subscribers").asInt()).isEqualTo(1);
		assertThat(counts(subscriptions.path("clan_chat").path("largest"))).containsOnly(Map.entry(this.clan, 1L));
		assertThat(subscriptions.path("notifications").path("subscribers").asInt()).isEqualTo(1);

		Map<String, Long> in = counts(stats.path("messages").path("in"));
		assertThat(in).containsEntry("join_room", 4L)
			.containsEntry("broadcast", 1L)
			.containsEntry("echo", 2L)
			.containsEntry("ping", 1L)
			.containsEntry("unknown", 2L)
			.containsEntry("subscribe_clan_chat", 1L)
			.containsEntry("subscribe_notifications", 1L)
			.containsEntry("chat", 1L)
			.containsEntry("typing", 1L)
			.containsEntry("leave_room", 0L)
			.containsEntry("status", 0L);
		assertThat(in.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(14);
		assertThat(in).doesNotContainKey("jion_room");
		assertThat(counts(stats.path("messages").path("out"))).isEqualTo(expectedOut);

		assertThat(stats.path("bytes").path("in").asLong()).isEqualTo(this.bytesIn);
		assertThat(stats.path("bytes").path("out").asLong()).isPositive();

		JsonNode handshakes = stats.path("handshakes");
		assertThat(handshakes.path("accepted").asInt()).isEqualTo(4);
		assertThat(counts(handshakes.path("rejected"))).containsOnly(Map.entry("unauthorized", 1L),
				Map.entry("forbidden_origin", 1L), Map.entry("rate_limited", 0L), Map.entry("ip_limit", 0L),
				Map.entry("at_capacity", 0L), Map.entry("draining", 0L));

		assertThat(counts(stats.path("closes"))).containsOnly(Map.entry("1000", 1L));

		assertThat(stats.path("health").path("level").asString()).isEqualTo("healthy");
		assertThat(stats.path("health").path("history").isArray()).isTrue();
		assertThat(stats.path("health").path("history")).isEmpty();
	}

	@Test
	void prometheusHasEveryContractMeterWithExactlyItsNameTagsAndValue() {
		Map<String, Long> expectedOut = expectedOut();
		await().atMost(WAIT).until(() -> outCounts(this.actuator.prometheus()).equals(expectedOut));
		Prometheus scrape = this.actuator.prometheus();

		assertThat(scrape.value("gateway_connections_active")).isEqualTo(3);
		assertThat(scrape.value("gateway_users_active")).isEqualTo(3);

		assertThat(scrape.value("gateway_handshakes_total", "outcome", "accepted")).isEqualTo(4);
		assertThat(scrape.value("gateway_handshakes_total", "outcome", "unauthorized")).isEqualTo(1);
		assertThat(scrape.value("gateway_handshakes_total", "outcome", "forbidden_origin")).isEqualTo(1);
		for (String outcome : List.of("rate_limited", "ip_limit", "at_capacity", "draining")) {
			assertThat(scrape.value("gateway_handshakes_total", "outcome", outcome)).as(outcome).isZero();
		}
		assertThat(scrape.samples("gateway_handshakes_total")).hasSize(7);

		assertThat(scrape.value("gateway_messages_total", "direction", "in", "type", "join_room")).isEqualTo(4);
		assertThat(scrape.value("gateway_messages_total", "direction", "in", "type", "echo")).isEqualTo(2);
		assertThat(scrape.value("gateway_messages_total", "direction", "in", "type", "ping")).isEqualTo(1);
		assertThat(scrape.value("gateway_messages_total", "direction", "in", "type", "broadcast")).isEqualTo(1);
		assertThat(scrape.value("gateway_messages_total", "direction", "in", "type", "chat")).isEqualTo(1);
		assertThat(scrape.value("gateway_messages_total", "direction", "in", "type", "typing")).isEqualTo(1);
		assertThat(scrape.value("gateway_messages_total", "direction", "in", "type", "unknown")).isEqualTo(2);
		assertThat(outCounts(scrape)).isEqualTo(expectedOut);
		assertThat(scrape.samples("gateway_messages_total"))
			.allSatisfy((sample) -> assertThat(sample.labels().keySet()).containsExactly("direction", "type"))
			.noneSatisfy((sample) -> assertThat(sample.labels().get("type")).isEqualTo("jion_room"));

		assertThat(scrape.value("gateway_closes_total", "code", "1000")).isEqualTo(1);
		assertThat(scrape.samples("gateway_closes_total")).hasSize(1);
		assertThat(scrape.value("gateway_send_overflows_total")).isZero();

		// timers: percentile histograms (buckets), count and sum in seconds
		for (String type : List.of("join_room", "echo", "ping", "broadcast", "chat", "typing",
				"subscribe_clan_chat", "subscribe_notifications")) {
			long handled = (type.equals("join_room")) ? 4 : (type.equals("echo")) ? 2 : 1;
			assertThat(scrape.value("gateway_message_handling_seconds_count", "type", type)).as(type)
				.isEqualTo(handled);
			assertThat(scrape.value("gateway_message_handling_seconds_bucket", "type", type, "le", "+Inf"))
				.as(type)
				.isEqualTo(handled);
		}
		assertThat(scrape.samples("gateway_message_handling_seconds_bucket")).hasSizeGreaterThan(8 * 10);
		assertThat(scrape.samples("gateway_message_handling_seconds_count"))
			.noneSatisfy((sample) -> assertThat(sample.labels().get("type")).isEqualTo("unknown"));
		assertThat(scrape.samples("gateway_message_handling_seconds_sum")).isNotEmpty();

		assertThat(scrape.value("gateway_bus_published_total", "kind", "room")).isEqualTo(1);
		assertThat(scrape.value("gateway_bus_published_total", "kind", "chat")).isEqualTo(1);
		assertThat(scrape.value("gateway_bus_published_total", "kind", "typing")).isEqualTo(1);
		assertThat(scrape.value("gateway_bus_published_total", "kind", "notification")).isZero();
		assertThat(scrape.value("gateway_bus_delivered_total", "kind", "room")).isEqualTo(1);
		assertThat(scrape.value("gateway_bus_delivered_total", "kind", "chat")).isEqualTo(1);
		assertThat(scrape.value("gateway_bus_delivered_total", "kind", "typing")).isEqualTo(1);
		assertThat(scrape.samples("gateway_bus_published_total")).hasSize(5);
		assertThat(scrape.samples("gateway_bus_delivered_total")).hasSize(5);
		// no round trips on the local bus, but the timer and its histogram are there
		assertThat(scrape.value("gateway_bus_roundtrip_seconds_count")).isZero();
		assertThat(scrape.value("gateway_bus_roundtrip_seconds_bucket", "le", "+Inf")).isZero();
		assertThat(scrape.samples("gateway_bus_roundtrip_seconds_bucket")).hasSizeGreaterThan(10);

		// gauges are never NaN, and no gateway meter is missing a value
		assertThat(scrape.samples())
			.filteredOn((sample) -> sample.name().startsWith("gateway_"))
			.allSatisfy((sample) -> assertThat(sample.value()).isNotNaN());

		// nothing that identifies a user, a room, a clan or a connection, anywhere in the scrape
		List<String> identifiers = new ArrayList<>(List.of(this.suffix, this.alice, this.bob, this.carol, this.room,
				this.otherRoom, this.clan, this.alice2ConnectionId));
		identifiers.addAll(this.connectionIds);
		for (String identifier : identifiers) {
			assertThat(scrape.text()).as("scrape mentions %s", identifier).doesNotContain(identifier);
		}
	}

	private Map<String, Long> expectedOut() {
		Map<String, Long> out = new TreeMap<>();
		out.put("connected", 4L);
		out.put("room_joined", 4L);
		out.put("ack", 2L); // broadcast and typing, both with an id
		out.put("room_message", 2L);
		out.put("echo", 2L);
		out.put("pong", 1L);
		out.put("error", 2L);
		out.put("subscription_confirmed", 2L);
		out.put("message_sent", 1L);
		return out;
	}

	private static Map<String, Long> outCounts(Prometheus scrape) {
		Map<String, Long> out = new TreeMap<>();
		scrape.samples("gateway_messages_total")
			.stream()
			.filter((sample) -> "out".equals(sample.labels().get("direction")))
			.forEach((sample) -> out.put(sample.labels().get("type"), (long) sample.value()));
		return out;
	}

	private static Map<String, Long> counts(JsonNode object) {
		Map<String, Long> counts = new TreeMap<>();
		object.properties().forEach((entry) -> counts.put(entry.getKey(), entry.getValue().asLong()));
		return counts;
	}

	private TestClient connect(String token) {
		TestClient client = TestClient.connect(this.port, token);
		this.connectionIds.add(client.connectionId());
		return client;
	}

	private void send(TestClient client, String text) {
		this.bytesIn += text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
		client.send(text);
	}

	private JsonNode reply(TestClient client, String id, String text) {
		send(client, text);
		return client.await((message) -> id.equals(message.path("id").asString(null)), WAIT);
	}

}
