package io.wsgateway.history;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.EventDispatcher;
import io.wsgateway.testsupport.MessagingEndToEndTest;
import io.wsgateway.testsupport.RedisServer;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static io.wsgateway.testsupport.Wire.assertError;
import static io.wsgateway.testsupport.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * History and recovery end to end (PROTOCOL.md section 10) on the redis store and the real
 * Redis: offsets on every message, {@code recover} after a reconnect (also while messages
 * keep coming), each cause of {@code recovered: false}, the {@code history} request, bad
 * {@code recover}s, and a Redis that lost the channel.
 */
@MessagingEndToEndTest
@TestPropertySource(properties = { "gateway.history.store=redis", "gateway.history.rooms.size=2000",
		"gateway.history.clans.size=20", "gateway.history.recovery-limit=1000", "gateway.api.keys=" + HistoryEndToEndTests.API_KEY })
class HistoryEndToEndTests {

	private static final String PREFIX = RedisServer.uniquePrefix();

	static final String API_KEY = "history-test-api-key";

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		RedisServer redis = RedisServer.get();
		registry.add("spring.data.redis.host", redis::host);
		registry.add("spring.data.redis.port", redis::port);
		registry.add("gateway.history.key-prefix", () -> PREFIX);
	}

	@LocalServerPort
	private int port;


	@Autowired
	private EventDispatcher dispatcher;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meters;

	private final List<TestClient> clients = new ArrayList<>();

	private String u;

	@BeforeEach
	void names() {
		this.u = Wire.unique();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	@Test
	void recoversWhatWasSentWhileAway() {
		String room = "r" + this.u;
		TestClient bob = join(client("bob"), room);
		TestClient alice = client("alice");
		JsonNode joined = alice.request(message("join_room", "room", room));
		assertThat(joined.get("offset").asLong()).isZero();
		String epoch = joined.get("epoch").asString();
		say(bob, room, 1);
		JsonNode first = alice.next("room_message");
		assertThat(first.get("offset").asLong()).isEqualTo(1);
		assertThat(first.get("epoch").asString()).isEqualTo(epoch);
		alice.close();
		for (int i = 2; i <= 4; i++) {
			say(bob, room, i);
		}
		TestClient back = client("alice");
		JsonNode rejoined = back.request(recoverJoin(room, 1, epoch));
		assertThat(rejoined.get("recovered").asBoolean()).isTrue();
		assertThat(rejoined.get("offset").asLong()).isEqualTo(4);
		List<JsonNode> replayed = back.take(3, TestClient.TIMEOUT);
		assertThat(replayed).extracting((m) -> m.get("type").asString()).containsOnly("room_message");
		assertThat(replayed).extracting((m) -> m.get("offset").asLong()).containsExactly(2L, 3L, 4L);
		assertThat(replayed).extracting((m) -> m.get("payload").get("n").asInt()).containsExactly(2, 3, 4);
		say(bob, room, 5);
		assertThat(back.next("room_message").get("offset").asLong()).isEqualTo(5);
	}

	@Test
	void recoveryRacingLiveTrafficLosesAndRepeatsNothing() throws Exception {
		String room = "r" + this.u;
		TestClient bob = join(client("bob"), room);
		TestClient alice = client("alice");
		String epoch = alice.request(message("join_room", "room", room)).get("epoch").asString();
		for (int i = 1; i <= 50; i++) {
			say(bob, room, i);
		}
		List<Long> seen = new ArrayList<>(offsets(alice.take(50, TestClient.TIMEOUT)));
		alice.close();
		CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
			for (int i = 51; i <= 1000; i++) {
				say(bob, room, i);
			}
		});
		// Rejoin while the messages keep coming: some are replayed, the rest arrive live.
		while (this.redis.opsForValue().get(PREFIX + "{room:" + room + "}:o").equals("50")) {
			Thread.onSpinWait();
		}
		TestClient back = client("alice");
		JsonNode rejoined = back.request(recoverJoin(room, seen.get(seen.size() - 1), epoch));
		assertThat(rejoined.get("recovered").asBoolean()).isTrue();
		assertThat(rejoined.get("offset").asLong()).as("rejoined while messages kept coming").isLessThan(1000);
		sending.get();
		long missing = 1000 - seen.size();
		seen.addAll(offsets(back.take((int) missing, Duration.ofSeconds(30))));
		assertThat(seen).hasSize(1000);
		for (int i = 0; i < 1000; i++) {
			assertThat(seen.get(i)).as("message %d", i + 1).isEqualTo(i + 1L);
		}
		back.assertNoMessage(Duration.ofMillis(300));
	}

	@Test
	void doesNotRecoverAnotherEpoch() {
		String room = "r" + this.u;
		TestClient bob = join(client("bob"), room);
		say(bob, room, 1);
		JsonNode rejoined = client("alice").request(recoverJoin(room, 0, "elsewhen"));
		assertThat(rejoined.get("recovered").asBoolean()).isFalse();
		assertThat(rejoined.get("offset").asLong()).isEqualTo(1);
	}

	@Test
	void doesNotRecoverMessagesNoLongerKept() {
		String clan = "c" + this.u;
		TestClient bob = subscribe(client("bob", clan), clan);
		TestClient alice = client("alice", clan);
		String epoch = alice.request(message("subscribe_clan_chat", "clanId", clan)).get("epoch").asString();
		alice.close();
		for (int i = 1; i <= 30; i++) {
			bob.request(message("chat", "clanId", clan, "content", "m" + i));
		}
		TestClient back = client("alice", clan);
		JsonNode confirmed = back.request(
				"{\"type\":\"subscribe_clan_chat\",\"clanId\":\"" + clan + "\",\"recover\":{\"offset\":0,\"epoch\":\"" + epoch
						+ "\"}}");
		assertThat(confirmed.get("status").asString()).isEqualTo("subscribed");
		assertThat(confirmed.get("recovered").asBoolean()).isFalse();
		assertThat(confirmed.get("offset").asLong()).isEqualTo(30);
		back.assertNoMessage(Duration.ofMillis(300));
		bob.request(message("chat", "clanId", clan, "content", "live"));
		assertThat(back.next("chat").get("offset").asLong()).isEqualTo(31);
	}

	@Test
	void startsANewEpochWhenRedisLostTheChannel() {
		String room = "r" + this.u;
		TestClient bob = join(client("bob"), room);
		TestClient alice = client("alice");
		String epoch = alice.request(message("join_room", "room", room)).get("epoch").asString();
		say(bob, room, 1);
		assertThat(alice.next("room_message").get("offset").asLong()).isEqualTo(1);
		alice.close();
		this.redis.delete(Set.copyOf(this.redis.keys(PREFIX + "{room:" + room + "}:*")));
		say(bob, room, 2);
		JsonNode rejoined = client("alice").request(recoverJoin(room, 1, epoch));
		assertThat(rejoined.get("recovered").asBoolean()).isFalse();
		assertThat(rejoined.get("epoch").asString()).isNotEqualTo(epoch);
		assertThat(rejoined.get("offset").asLong()).isEqualTo(1);
	}

	@Test
	void backendEventsGetOffsetsToo() {
		String room = "r" + this.u;
		TestClient alice = join(client("alice"), room);
		TestClient bob = join(client("bob"), room);
		say(bob, room, 1);
		this.dispatcher.dispatch(new BusEvent.Backend("room." + room, "{\"payload\":{\"n\":2}}"));
		List<JsonNode> received = alice.take(2, TestClient.TIMEOUT);
		assertThat(offsets(received)).containsExactly(1L, 2L);
		assertThat(received.get(1).get("from").asString()).isEqualTo("system");
		JsonNode history = alice.request(message("history", "room", room));
		assertThat(history.get("offset").asLong()).isEqualTo(2);
		assertThat(offsets(history.get("messages").valueStream().toList())).containsExactly(1L, 2L);
	}

	@Test
	void serverApiMessagesGetOffsetsToo() throws Exception {
		String room = "r" + this.u;
		String clan = "c" + this.u;
		TestClient alice = join(client("alice", clan), room);
		alice.request(message("subscribe_clan_chat", "clanId", clan));
		say(join(client("bob"), room), room, 1);
		assertThat(post("/api/v1/rooms/" + room + "/messages", "{\"payload\":{\"n\":2}}")).isEqualTo(202);
		assertThat(post("/api/v1/clans/" + clan + "/messages", "{\"content\":\"from a backend\"}")).isEqualTo(202);
		List<JsonNode> received = alice.take(3, TestClient.TIMEOUT);
		assertThat(received).extracting((m) -> m.get("type").asString() + " " + m.get("offset").asLong())
			.containsExactly("room_message 1", "room_message 2", "chat 1");
	}

	private int post(String path, String body) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.header("X-API-Key", API_KEY)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	@Test
	void historyReturnsTheNewestMessagesBeforeAnOffset() {
		String room = "r" + this.u;
		TestClient bob = join(client("bob"), room);
		for (int i = 1; i <= 6; i++) {
			say(bob, room, i);
		}
		JsonNode history = bob.request("{\"type\":\"history\",\"room\":\"" + room + "\",\"limit\":2,\"before\":5}");
		assertThat(history.get("type").asString()).isEqualTo("history");
		assertThat(history.get("room").asString()).isEqualTo(room);
		assertThat(history.get("offset").asLong()).isEqualTo(6);
		assertThat(history.get("epoch").isString()).isTrue();
		List<JsonNode> messages = history.get("messages").valueStream().toList();
		assertThat(offsets(messages)).containsExactly(3L, 4L);
		assertThat(messages.get(0).has("type")).isFalse();
		assertThat(messages.get(0).get("room").asString()).isEqualTo(room);
		assertThat(messages.get(0).get("payload").get("n").asInt()).isEqualTo(3);
		assertThat(offsets(bob.request(message("history", "room", room)).get("messages").valueStream().toList()))
			.containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
	}

	@Test
	void historyIsForMembersOnly() {
		String room = "r" + this.u;
		TestClient alice = client("alice");
		assertError(alice.request(message("history", "room", room, "id", "h1")), "h1", "forbidden");
		assertError(alice.request(message("history", "clanId", "c" + this.u, "id", "h2")), "h2", "forbidden");
		join(alice, room);
		assertError(alice.request("{\"type\":\"history\",\"id\":\"h3\",\"room\":\"" + room + "\",\"limit\":101}"), "h3",
				"invalid_message");
		assertError(alice.request("{\"type\":\"history\",\"id\":\"h4\"}"), "h4", "invalid_message");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"offset\":-1,\"epoch\":\"e\"}", "{\"offset\":1.5,\"epoch\":\"e\"}",
			"{\"offset\":\"3\",\"epoch\":\"e\"}", "{\"offset\":9007199254740992,\"epoch\":\"e\"}",
			"{\"offset\":1,\"epoch\":5}", "{\"offset\":1}", "[1,\"e\"]" })
	void refusesABadRecover(String recover) {
		String room = "r" + this.u;
		TestClient alice = client("alice");
		JsonNode reply = alice.request(
				"{\"type\":\"join_room\",\"id\":\"j1\",\"room\":\"" + room + "\",\"recover\":" + recover + "}");
		assertError(reply, "j1", "invalid_message");
		assertError(alice.request(message("history", "room", room, "id", "h1")), "h1", "forbidden");
	}

	@Test
	void showsHistoryInMetricsHealthAndTheWebSocketEndpoint() throws Exception {
		String room = "r" + this.u;
		TestClient bob = join(client("bob"), room);
		String epoch = bob.request(message("join_room", "room", room)).get("epoch").asString();
		say(bob, room, 1);
		double recovered = this.meters.counter("gateway.history.recoveries", "outcome", "recovered").count();
		double epochChanged = this.meters.counter("gateway.history.recoveries", "outcome", "epoch_changed").count();
		client("alice").request(recoverJoin(room, 0, epoch));
		client("alice").request(recoverJoin(room, 0, "other"));
		assertThat(this.meters.counter("gateway.history.recoveries", "outcome", "recovered").count())
			.isEqualTo(recovered + 1);
		assertThat(this.meters.counter("gateway.history.recoveries", "outcome", "epoch_changed").count())
			.isEqualTo(epochChanged + 1);
		assertThat(this.meters.find("gateway.history.gaps.filled").counter()).isNotNull();
		JsonNode section = actuator("/actuator/websocket").get("history");
		assertThat(section.get("enabled").asBoolean()).isTrue();
		assertThat(section.get("store").asString()).isEqualTo("redis");
		assertThat(section.get("channels").asInt()).isPositive();
		assertThat(section.get("storedMessages").asLong()).isPositive();
		JsonNode health = actuator("/actuator/health").get("components");
		assertThat(health.get("history").get("status").asString()).isEqualTo("UP");
		assertThat(health.has("redis")).isFalse();
	}

	private JsonNode actuator(String path) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.header("Authorization",
						"Basic " + Base64.getEncoder().encodeToString("test:test".getBytes(StandardCharsets.UTF_8)))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return Wire.json(response.body());
	}

	private TestClient client(String user, String... clans) {
		TestClient client = TestClient.connect(this.port,
				TestTokens.token(user + this.u, List.of(), List.of(clans)));
		this.clients.add(client);
		return client;
	}

	private static TestClient join(TestClient client, String room) {
		client.request(message("join_room", "room", room));
		return client;
	}

	private static TestClient subscribe(TestClient client, String clan) {
		client.request(message("subscribe_clan_chat", "clanId", clan));
		return client;
	}

	private static String recoverJoin(String room, long offset, String epoch) {
		return "{\"type\":\"join_room\",\"room\":\"" + room + "\",\"recover\":{\"offset\":" + offset + ",\"epoch\":\""
				+ epoch + "\"}}";
	}

	private static void say(TestClient client, String room, int n) {
		JsonNode ack = client.request("{\"type\":\"broadcast\",\"room\":\"" + room + "\",\"payload\":{\"n\":" + n + "}}");
		assertThat(ack.get("type").asString()).isEqualTo("ack");
	}

	private static List<Long> offsets(List<JsonNode> messages) {
		return messages.stream().map((m) -> m.get("offset").asLong()).toList();
	}

}
