package io.wsgateway.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sessions on a real server: the close codes of the wire contract that come from one
 * connection's behaviour (1003, 1008, 1009, 4008, 4010), the single send path under
 * concurrency, slow consumers that never delay others, and recoverable errors.
 * Small limits keep it quick: 1 KB messages, a 64 KB send buffer, 2 s send time, 20
 * messages a second, 1 s clock skew.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET, "gateway.websocket.max-message-size=1KB",
				"gateway.websocket.send-buffer-limit=64KB", "gateway.websocket.send-time-limit=2s",
				"gateway.security.jwt.clock-skew=1s", "gateway.limits.messages-per-second=20",
				"gateway.admission.trusted-proxies=10.0.0.0/8" })
@ActiveProfiles("test")
class SessionEndToEndTests {

	private static final int MAX_MESSAGE_SIZE = 1024;

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	MeterRegistry meters;

	// ---- ping, echo, status ------------------------------------------------------------

	@Test
	void answersPingEchoAndStatus() {
		try (TestClient client = connect("alice")) {
			JsonNode pong = client.request("{\"type\":\"ping\",\"id\":\"p1\"}");
			assertThat(pong.get("type").asString()).isEqualTo("pong");
			assertThat(java.time.Instant.parse(pong.get("timestamp").asString())).isNotNull();

			JsonNode echo = client.request("{\"type\":\"echo\",\"id\":\"e1\",\"payload\":{\"a\":[1,\"two\",null]}}");
			assertThat(echo.get("type").asString()).isEqualTo("echo");
			assertThat(echo.get("payload").toString()).isEqualTo("{\"a\":[1,\"two\",null]}");

			client.send("{\"type\":\"echo\",\"payload\":\"no id\"}");
			JsonNode withoutId = client.next("echo");
			assertThat(withoutId.has("id")).isFalse();
			assertThat(withoutId.get("payload").asString()).isEqualTo("no id");

			JsonNode status = client.request("{\"type\":\"status\"}");
			assertThat(status.get("type").asString()).isEqualTo("status");
			assertThat(status.get("connectionId").asString()).isEqualTo(client.connectionId());
			assertThat(status.get("userId").asString()).isEqualTo("alice");
			assertThat(status.get("rooms").isArray()).isTrue();
			assertThat(status.get("subscriptions").isArray()).isTrue();
			assertThat(java.time.Instant.parse(status.get("connectedAt").asString())).isNotNull();
			assertThat(status.get("node").asString()).isEqualTo("test-node");
		}
	}

	@Test
	void recoverableErrorsAnswerWithErrorAndKeepTheConnectionWorking() {
		try (TestClient client = connect("clumsy")) {
			client.send("{not json");
			assertError(client.next(), null, "bad_json");
			client.send("[1,2]");
			assertError(client.next(), null, "invalid_message");
			assertError(client.request("{\"type\":\"jion_room\",\"id\":\"c-17\"}"), "c-17", "unknown_type");
			assertError(client.request("{\"id\":\"c-18\"}"), "c-18", "invalid_message");
			assertError(client.request("{\"type\":\"echo\",\"id\":\"c-19\"}"), "c-19", "invalid_message");
			assertThat(client.request("{\"type\":\"echo\",\"payload\":1}").get("payload").asInt()).isEqualTo(1);
			assertThat(client.isClosed()).isFalse();
		}
	}

	@Test
	void ignoresForwardedForFromUntrustedPeer() {
		Map<String, String> headers = new HashMap<>(TestClient.bearer(TestTokens.token("spoofer")));
		headers.put("X-Forwarded-For", "203.0.113.50");
		try (TestClient client = TestClient.connect(TestClient.uri(this.port), headers)) {
			assertThat(TestSessions.awaitRegistered(this.registry, client.connectionId()).ip()).isEqualTo("127.0.0.1");
		}
	}

	@Test
	void testClientRequestAndAwaitLeaveOtherMessagesQueuedInOrder() {
		try (TestClient client = connect("inbox")) {
			ClientSession session = TestSessions.awaitRegistered(this.registry, client.connectionId());
			for (int n = 0; n < 3; n++) {
				session.send(OutboundFrame.of("{\"type\":\"push\",\"n\":" + n + "}", "push"));
			}
			assertThat(client.request("{\"type\":\"ping\"}").get("type").asString()).isEqualTo("pong");
			assertThat(client.await((message) -> message.path("n").asInt(-1) == 1, WAIT).get("n").asInt()).isEqualTo(1);
			assertThat(client.drain(Duration.ofMillis(200))).extracting((message) -> message.get("n").asInt())
				.containsExactly(0, 2);
			client.assertNoMessage(Duration.ofMillis(100));
		}
	}

	// ---- 1009 and the size limit -------------------------------------------------------

	@Test
	void acceptsMessageOfExactlyMaxMessageSize() {
		try (TestClient client = connect("big")) {
			String message = echoOfSize(MAX_MESSAGE_SIZE);
			client.send(message);
			assertThat(client.next("echo").toString()).isEqualTo(message);
		}
	}

	@Test
	void acceptsFragmentedMessageOfExactlyMaxMessageSize() {
		try (TestClient client = connect("big-fragments")) {
			String message = echoOfSize(MAX_MESSAGE_SIZE);
			client.sendText(message.substring(0, 600), false);
			client.sendText(message.substring(600), true);
			assertThat(client.next("echo").toString()).isEqualTo(message);
		}
	}

	@Test
	void closesWith1009WhenOneFrameIsOneByteOverMaxMessageSize() {
		try (TestClient client = connect("too-big")) {
			client.send(echoOfSize(MAX_MESSAGE_SIZE + 1));
			assertThat(client.awaitClose()).isEqualTo(1009);
			assertThat(client.drain()).isEmpty();
		}
	}

	@Test
	void closesWith1009WhenAFragmentedMessageIsOneByteOverMaxMessageSize() {
		try (TestClient client = connect("too-big-fragments")) {
			String message = echoOfSize(MAX_MESSAGE_SIZE + 1);
			client.sendText(message.substring(0, 600), false);
			client.sendText(message.substring(600), true);
			assertThat(client.awaitClose()).isEqualTo(1009);
		}
	}

	@Test
	void splitsAServerMessageLargerThanTheFrameLimitIntoFrames() throws Exception {
		String room = "split-" + System.nanoTime() % 1000;
		try (RawWebSocket member = RawWebSocket.connect(this.port, "/ws", TestClient.bearer(TestTokens.token("split")));
				TestClient publisher = connect("split-publisher")) {
			assertThat(member.status()).isEqualTo(101);
			member.readFrame(WAIT);
			member.sendText("{\"type\":\"join_room\",\"id\":\"j\",\"room\":\"" + room + "\"}");
			assertThat(member.readFrame(WAIT).text()).contains("\"room_joined\"");
			publisher.request("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
			// As large as a client may send: the room_message that wraps it is larger than a frame may be.
			String prefix = "{\"type\":\"broadcast\",\"room\":\"" + room + "\",\"payload\":\"";
			String text = "b".repeat(MAX_MESSAGE_SIZE - prefix.length() - 2);
			publisher.send(prefix + text + "\"}");
			RawWebSocket.Frame first = member.readFrame(WAIT);
			assertThat(first.opcode()).isEqualTo(RawWebSocket.TEXT);
			assertThat(first.fin()).isFalse();
			assertThat(first.payload()).hasSize(MAX_MESSAGE_SIZE);
			StringBuilder message = new StringBuilder(first.text());
			RawWebSocket.Frame next;
			do {
				next = member.readFrame(WAIT);
				assertThat(next.opcode()).isEqualTo(RawWebSocket.CONTINUATION);
				message.append(next.text());
			}
			while (!next.fin());
			JsonNode delivered = TestClient.json().readTree(message.toString());
			assertThat(delivered.path("type").asString()).isEqualTo("room_message");
			assertThat(delivered.path("payload").asString()).isEqualTo(text);
		}
	}

	// ---- 1003, 1008, 4008 --------------------------------------------------------------

	@Test
	void closesWith1003OnBinaryFrame() {
		try (TestClient client = connect("binary")) {
			client.sendBinary(new byte[] { 1, 2, 3 });
			assertThat(client.awaitClose()).isEqualTo(1003);
		}
	}

	@Test
	void closesWith1008WhenTheTokenExpiresDuringTheConnection() {
		// exp in about 2 s (whole seconds), plus the 1 s clock skew
		String token = TestTokens.forUser("short-lived").expiresIn(Duration.ofSeconds(2)).build();
		try (TestClient client = TestClient.connect(this.port, token)) {
			assertThat(client.request("{\"type\":\"ping\"}").get("type").asString()).isEqualTo("pong");
			assertThat(client.awaitClose(WAIT)).isEqualTo(1008);
			assertThat(client.closeReason()).isEqualTo("token expired");
		}
	}

	@Test
	void closesWith4008AfterRepeatedRateLimitViolations() {
		try (TestClient client = connect("flooder")) {
			for (int i = 0; i < 5_000 && !client.isClosed(); i++) {
				try {
					client.send("{\"type\":\"ping\",\"id\":\"f-" + i + "\"}");
				}
				catch (RuntimeException ex) {
					break; // the server closed meanwhile
				}
			}
			assertThat(client.awaitClose(WAIT)).isEqualTo(4008);
			List<JsonNode> limited = client.drain()
				.stream()
				.filter((message) -> "rate_limited".equals(message.path("code").asString(null)))
				.toList();
			assertThat(limited).hasSizeGreaterThanOrEqualTo(10);
			assertThat(limited).allSatisfy((error) -> {
				assertThat(error.get("type").asString()).isEqualTo("error");
				assertThat(error.get("id").asString()).startsWith("f-");
			});
		}
	}

	// ---- the send path -------------------------------------------------------------------

	@Test
	void deliversThousandConcurrentSendsFromEightThreadsIntactAndInPerThreadOrder() throws Exception {
		int threads = 8;
		int perThread = 125;
		try (TestClient client = connect("fan-in")) {
			ClientSession session = TestSessions.awaitRegistered(this.registry, client.connectionId());
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				results.add(pool.submit(() -> {
					start.await();
					int accepted = 0;
					for (int n = 0; n < perThread; n++) {
						// about 50 bytes: all 1,000 fit in the 64 KB send buffer even if none were written yet
						String json = "{\"type\":\"seq\",\"t\":" + thread + ",\"n\":" + n + ",\"check\":\"" + thread + "/" + n
								+ "\"}";
						accepted += session.send(OutboundFrame.of(json, "seq")) ? 1 : 0;
					}
					return accepted;
				}));
			}
			start.countDown();
			for (Future<Integer> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(perThread);
			}
			pool.shutdown();

			List<JsonNode> received = client.take(threads * perThread, WAIT);
			int[] nextPerThread = new int[threads];
			for (JsonNode message : received) {
				assertThat(message.get("type").asString()).isEqualTo("seq");
				int t = message.get("t").asInt();
				int n = message.get("n").asInt();
				assertThat(message.get("check").asString()).isEqualTo(t + "/" + n);
				assertThat(n).as("thread %d out of order", t).isEqualTo(nextPerThread[t]);
				nextPerThread[t]++;
			}
			assertThat(nextPerThread).containsOnly(perThread);
			client.assertNoMessage(Duration.ofMillis(200));
			assertThat(session.isOpen()).isTrue();
			assertThat(client.request("{\"type\":\"ping\"}").get("type").asString()).isEqualTo("pong");
		}
	}

	@Test
	void closesStalledReaderWith4010WhileAnotherClientsEchoesKeepTheirLatency() throws Exception {
		double overflowsBefore = this.meters.get("gateway.send.overflows").counter().count();
		try (TestClient stalled = connect("stalled"); TestClient healthy = connect("healthy")) {
			ClientSession stalledSession = TestSessions.awaitRegistered(this.registry, stalled.connectionId());
			stalled.pauseReading();
			OutboundFrame filler = OutboundFrame.of("{\"type\":\"filler\",\"payload\":\"" + "x".repeat(8_000) + "\"}",
					"filler");
			AtomicBoolean stop = new AtomicBoolean();
			Thread fill = new Thread(() -> {
				while (!stop.get() && stalledSession.send(filler)) {
					Thread.onSpinWait();
				}
			}, "stalled-reader-filler");
			fill.start();

			List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
			long deadline = System.nanoTime() + WAIT.toNanos();
			int i = 0;
			// keep echoing until the stalled client is gone, and at least 20 times
			while ((this.registry.get(stalled.connectionId()) != null || i < 20) && System.nanoTime() < deadline) {
				long sent = System.nanoTime();
				JsonNode echo = healthy.request("{\"type\":\"echo\",\"payload\":" + i + "}");
				latencies.add(System.nanoTime() - sent);
				assertThat(echo.get("payload").asInt()).isEqualTo(i);
				i++;
				LockSupport.parkNanos(Duration.ofMillis(60).toNanos()); // stay under 20 messages a second
			}
			stop.set(true);
			fill.join(10_000);

			assertThat(this.registry.get(stalled.connectionId())).as("stalled client closed").isNull();
			assertThat(stalledSession.requestedCloseStatus().getCode()).isEqualTo(4010);
			assertThat(this.meters.get("gateway.send.overflows").counter().count()).isGreaterThan(overflowsBefore);
			List<Long> sorted = new ArrayList<>(latencies);
			Collections.sort(sorted);
			long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
			assertThat(Duration.ofNanos(p99)).as("p99 echo latency of %d echoes", sorted.size())
				.isLessThan(Duration.ofMillis(500));
			assertThat(healthy.isClosed()).isFalse();

			stalled.resumeReading();
			assertThat(stalled.awaitClose(WAIT)).isIn(4010, TestClient.ABNORMAL_CLOSE);
		}
	}

	@Test
	void closesWith4010WhenOneWriteStaysBlockedPastTheSendTimeLimit() {
		try (TestClient stalled = connect("stuck")) {
			ClientSession session = TestSessions.awaitRegistered(this.registry, stalled.connectionId());
			stalled.pauseReading();
			OutboundFrame frame = OutboundFrame.of("{\"type\":\"filler\",\"payload\":\"" + "y".repeat(8_000) + "\"}",
					"filler");
			// Never more than 16 KB + one frame queued, far below the 64 KB buffer limit: only
			// the send-time-limit can close this client.
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (session.requestedCloseStatus() == null && System.nanoTime() < deadline) {
				if (session.queuedBytes() < 16 * 1024) {
					session.send(frame);
				}
				else {
					LockSupport.parkNanos(1_000_000);
				}
			}
			assertThat(session.requestedCloseStatus()).isNotNull();
			assertThat(session.requestedCloseStatus().getCode()).isEqualTo(4010);
			await().atMost(WAIT).until(() -> this.registry.get(stalled.connectionId()) == null);
		}
	}

	private TestClient connect(String user) {
		return TestClient.connect(this.port, TestTokens.token(user));
	}

	private static String echoOfSize(int bytes) {
		String prefix = "{\"type\":\"echo\",\"payload\":\"";
		String suffix = "\"}";
		String message = prefix + "a".repeat(bytes - prefix.length() - suffix.length()) + suffix;
		assertThat(message.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(bytes);
		return message;
	}

	private static void assertError(JsonNode error, String id, String code) {
		assertThat(error.get("type").asString()).isEqualTo("error");
		assertThat(error.get("code").asString()).isEqualTo(code);
		assertThat(error.get("message").asString()).isNotBlank();
		if (id == null) {
			assertThat(error.has("id")).isFalse();
		}
		else {
			assertThat(error.get("id").asString()).isEqualTo(id);
		}
	}

}
