package io.wsgateway.upstream;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.handshake.HandshakeOutcome;
import io.wsgateway.testsupport.HandshakeFailure;
import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static io.wsgateway.upstream.UpstreamFixtures.H;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What passes through an upstream route, against a real upstream echo server: frames as
 * they were sent (large, fragmented, binary, unicode, pings and pongs) in both directions,
 * close codes both ways, the forwarded handshake (identity, token, path, query,
 * subprotocol), backpressure both ways, and the route's meters and stats.
 */
class UpstreamRelayEndToEndTests extends UpstreamEndToEndTest {

	private static final Duration TIMEOUT = TestClient.TIMEOUT;

	@Autowired
	MeterRegistry meters;

	@Autowired
	UpstreamStats stats;

	@BeforeEach
	void forgetFrames() {
		H.clearFrames();
	}

	// ---- frames ------------------------------------------------------------------

	@Test
	void unicodeTextAndBinaryMessagesComeBackUnchanged() {
		try (TestClient client = open("/up/echo", "unicode-user")) {
			String text = "héllo wörld, 你好, Привет, 😀🚀 — \u0000 end";
			client.send(text);
			assertThat(client.next().asString()).isEqualTo(text);
			byte[] bytes = { 0, 1, 2, (byte) 0xff, (byte) 0x80, 127 };
			client.sendBinary(bytes);
			await().until(() -> !client.binaryMessages().isEmpty());
			assertThat(concat(client.binaryMessages())).isEqualTo(bytes);
		}
	}

	@Test
	void largeTextAndBinaryFramesPassAsSingleFrames() throws IOException {
		StringBuilder builder = new StringBuilder();
		while (builder.toString().getBytes(StandardCharsets.UTF_8).length < 400_000) {
			builder.append("Grüße, 世界! 😀 ".repeat(1000));
		}
		byte[] text = builder.toString().getBytes(StandardCharsets.UTF_8);
		byte[] binary = new byte[300_000];
		new Random(42).nextBytes(binary);
		try (RawWebSocket raw = raw("/up/echo/large")) {
			raw.sendText(builder.toString());
			RawWebSocket.Frame echoed = raw.readFrame(TIMEOUT);
			assertThat(echoed.opcode()).isEqualTo(RawWebSocket.TEXT);
			assertThat(echoed.fin()).isTrue();
			assertThat(echoed.payload()).isEqualTo(text);

			raw.sendFrame(RawWebSocket.BINARY, true, binary);
			echoed = raw.readFrame(TIMEOUT);
			assertThat(echoed.opcode()).isEqualTo(RawWebSocket.BINARY);
			assertThat(echoed.fin()).isTrue();
			assertThat(echoed.payload()).isEqualTo(binary);
		}
		assertThat(dataFrames()).extracting((frame) -> frame.payload().length).containsExactly(text.length, binary.length);
	}

	@Test
	void fragmentedMessagesKeepTheirFramesBothWays() throws IOException {
		try (RawWebSocket raw = raw("/up/echo/fragments")) {
			raw.sendFrame(RawWebSocket.TEXT, false, utf8("Hel"));
			raw.sendFrame(RawWebSocket.CONTINUATION, false, utf8("lo, "));
			raw.sendFrame(RawWebSocket.CONTINUATION, true, utf8("wörld"));
			raw.sendFrame(RawWebSocket.BINARY, false, new byte[] { 1, 2 });
			raw.sendFrame(RawWebSocket.CONTINUATION, true, new byte[] { 3 });

			List<RawWebSocket.Frame> echoed = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				echoed.add(raw.readFrame(TIMEOUT));
			}
			assertThat(echoed).extracting(RawWebSocket.Frame::opcode, RawWebSocket.Frame::fin)
				.containsExactly(frame(RawWebSocket.TEXT, false), frame(RawWebSocket.CONTINUATION, false),
						frame(RawWebSocket.CONTINUATION, true), frame(RawWebSocket.BINARY, false),
						frame(RawWebSocket.CONTINUATION, true));
			assertThat(echoed.subList(0, 3)).extracting(RawWebSocket.Frame::text).containsExactly("Hel", "lo, ", "wörld");
			assertThat(dataFrames()).extracting((frame) -> (int) frame.opcode(), UpstreamServer.ReceivedFrame::fin)
				.containsExactly(frame(RawWebSocket.TEXT, false), frame(RawWebSocket.CONTINUATION, false),
						frame(RawWebSocket.CONTINUATION, true), frame(RawWebSocket.BINARY, false),
						frame(RawWebSocket.CONTINUATION, true));
			assertThat(dataFrames().subList(0, 3)).extracting(UpstreamServer.ReceivedFrame::text)
				.containsExactly("Hel", "lo, ", "wörld");

			raw.sendText("fragments:4");
			List<RawWebSocket.Frame> fromUpstream = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				fromUpstream.add(raw.readFrame(TIMEOUT));
			}
			assertThat(fromUpstream).extracting(RawWebSocket.Frame::opcode, RawWebSocket.Frame::fin)
				.containsExactly(frame(RawWebSocket.TEXT, false), frame(RawWebSocket.CONTINUATION, false),
						frame(RawWebSocket.CONTINUATION, false), frame(RawWebSocket.CONTINUATION, true));
			assertThat(fromUpstream).extracting(RawWebSocket.Frame::text).containsExactly("f0", "f1", "f2", "f3");
		}
	}

	@Test
	void characterSplitAcrossFragmentsArrivesWhole() throws IOException {
		byte[] euro = utf8("€");
		try (RawWebSocket raw = raw("/up/echo/split")) {
			raw.sendFrame(RawWebSocket.TEXT, false, new byte[] { 'a', euro[0] });
			raw.sendFrame(RawWebSocket.CONTINUATION, true, new byte[] { euro[1], euro[2], 'b' });
			StringBuilder message = new StringBuilder();
			RawWebSocket.Frame frame;
			do {
				frame = raw.readFrame(TIMEOUT);
				message.append(frame.text());
			}
			while (!frame.fin());
			assertThat(message).hasToString("a€b");
		}
	}

	@Test
	void pingsAndPongsPassBothWays() throws IOException {
		try (RawWebSocket raw = raw("/up/echo/ping")) {
			raw.sendFrame(RawWebSocket.PING, true, utf8("are-you-there"));
			RawWebSocket.Frame pong = raw.readFrame(TIMEOUT);
			assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
			assertThat(pong.text()).as("answered by the upstream, not the gateway").isEqualTo("are-you-there");
			assertThat(H.frames()).anySatisfy((frame) -> {
				assertThat(frame.opcode()).isEqualTo((byte) RawWebSocket.PING);
				assertThat(frame.text()).isEqualTo("are-you-there");
			});

			raw.sendText("ping:from-upstream");
			RawWebSocket.Frame ping = raw.readFrame(TIMEOUT);
			assertThat(ping.opcode()).isEqualTo(RawWebSocket.PING);
			assertThat(ping.text()).isEqualTo("from-upstream");
			raw.sendFrame(RawWebSocket.PONG, true, utf8("from-upstream"));
			await().untilAsserted(() -> assertThat(H.frames()).anySatisfy((frame) -> {
				assertThat(frame.opcode()).isEqualTo((byte) RawWebSocket.PONG);
				assertThat(frame.text()).isEqualTo("from-upstream");
			}));
		}
	}

	// ---- closes ------------------------------------------------------------------

	@Test
	void upstreamCloseCodesAndReasonsReachTheClient() {
		try (TestClient client = open("/up/echo", "close-user")) {
			client.send("close:4001:bye");
			assertThat(client.awaitClose()).isEqualTo(4001);
			assertThat(client.closeReason()).isEqualTo("bye");
		}
		try (TestClient client = open("/up/echo", "close-user")) {
			client.send("close:1000:done");
			assertThat(client.awaitClose()).isEqualTo(1000);
		}
	}

	@Test
	void upstreamThatDropsTheConnectionClosesTheClientWith1014() {
		try (TestClient client = open("/up/echo", "drop-user")) {
			client.send("drop");
			assertThat(client.awaitClose()).isEqualTo(1014);
			assertThat(client.closeReason()).isEqualTo("upstream connection lost");
		}
	}

	@Test
	void clientCloseCodesReachTheUpstream() throws IOException {
		try (TestClient client = open("/up/echo/client-close", "client-closer")) {
			assertThat(server(client)).isEqualTo("h");
			client.webSocket().sendClose(4321, "client bye").join();
			assertThat(client.awaitClose()).isEqualTo(4321);
		}
		assertThat(awaitCloseCode("/echo/client-close")).isEqualTo(4321);

		try (RawWebSocket raw = raw("/up/echo/no-code")) {
			raw.sendText("whoami");
			assertThat(raw.readFrame(TIMEOUT).text()).contains("\"server\":\"h\"");
			raw.sendFrame(RawWebSocket.CLOSE, true, new byte[0]);
			raw.awaitClose(TIMEOUT);
		}
		assertThat(awaitCloseCode("/echo/no-code")).as("a close without a code").isEqualTo(1000);

		try (RawWebSocket raw = raw("/up/echo/vanish")) {
			raw.sendText("whoami");
			assertThat(raw.readFrame(TIMEOUT).text()).contains("\"server\":\"h\"");
		}
		assertThat(awaitCloseCode("/echo/vanish")).as("a client gone without a close frame").isEqualTo(1001);
	}

	@Test
	void frameAboveMaxFrameSizeClosesWith1009OnBothSides() throws IOException {
		try (RawWebSocket raw = raw("/up/small")) {
			raw.sendText("whoami");
			assertThat(raw.readFrame(TIMEOUT).text()).contains("\"server\":\"h\"");
			// max-frame-size 1KB on this route; small enough to be written before the gateway reacts
			raw.sendFrame(RawWebSocket.BINARY, true, new byte[1025]);
			assertThat(raw.awaitClose(TIMEOUT)).isEqualTo(1009);
		}
		assertThat(awaitCloseCode("/small")).isEqualTo(1009);
	}

	@Test
	void idleConnectionsAreClosedOnBothSides() {
		try (TestClient client = open("/up/idle", "idle-user")) {
			assertThat(server(client)).isEqualTo("h");
			assertThat(client.awaitClose()).isEqualTo(1001);
		}
		assertThat(awaitCloseCode("/idle")).isEqualTo(1001);
	}

	@Test
	void shutdownClosesBothSidesWithGoingAway() {
		UpstreamTarget h = target("echo", "h");
		await().until(() -> h.connections() == 0);
		try (TestClient client = open("/up/echo/shutdown", "shutdown-user")) {
			assertThat(server(client)).isEqualTo("h");
			this.registry.bridges().stream().filter((bridge) -> bridge.target() == h).forEach(UpstreamBridge::shutdown);
			assertThat(client.awaitClose()).isEqualTo(1001);
			assertThat(client.closeReason()).isEqualTo("gateway shutting down");
		}
		assertThat(awaitCloseCode("/echo/shutdown")).isEqualTo(1001);
	}

	/** Waits for the one connection on upstream path {@code path} to end there; returns its close code. */
	private static int awaitCloseCode(String path) {
		await().until(() -> !H.closeCodes(path).isEmpty());
		List<Integer> codes = H.closeCodes(path);
		assertThat(codes).hasSize(1);
		return codes.get(0);
	}

	// ---- the forwarded handshake ---------------------------------------------------

	@Test
	void verifiedIdentityIsForwardedAndClientSentIdentityHeadersAreNot() {
		String token = TestTokens.token("alice", List.of("ops", "admin"), List.of());
		Map<String, String> headers = Map.of("Authorization", "Bearer " + token, "X-User-Id", "mallory", "X-User-Roles",
				"root", "X-Trace", "trace-1", "X-Other", "not forwarded");
		try (TestClient client = TestClient.open(uri("/up/echo"), headers)) {
			JsonNode seen = whoami(client).get("headers");
			assertThat(values(seen, "x-user-id")).containsExactly("alice");
			assertThat(values(seen, "x-user-roles")).containsExactly("admin,ops");
			assertThat(values(seen, "x-forwarded-for")).containsExactly("127.0.0.1");
			assertThat(values(seen, "x-trace")).as("forward-headers").containsExactly("trace-1");
			assertThat(seen.has("x-other")).isFalse();
			assertThat(seen.has("authorization")).as("forward-token is off").isFalse();
		}
	}

	@Test
	void tokenIsForwardedOnlyWhereTheRouteSaysSo() {
		String token = TestTokens.token("bob");
		try (TestClient client = open("/up/token", "bob")) {
			JsonNode seen = whoami(client).get("headers");
			assertThat(values(seen, "authorization")).hasSize(1)
				.allSatisfy((value) -> assertThat(value).startsWith("Bearer ey"));
			assertThat(values(seen, "x-user-roles")).as("no roles: sent, empty").containsExactly("");
		}
		try (TestClient client = TestClient.open(uri("/up/token?access_token=" + token + "&x=1"), Map.of())) {
			JsonNode seen = whoami(client);
			assertThat(values(seen.get("headers"), "authorization")).containsExactly("Bearer " + token);
			assertThat(seen.get("query").asString()).isEqualTo("x=1");
		}
	}

	@Test
	void restOfThePathAndTheQueryGoOnWithoutTheToken() {
		String token = URLEncoder.encode(TestTokens.token("carol"), StandardCharsets.UTF_8);
		try (TestClient client = TestClient.open(uri("/up/echo/room/7?x=1&access_token=" + token + "&y=%C3%A9"),
				Map.of())) {
			JsonNode seen = whoami(client);
			assertThat(seen.get("path").asString()).isEqualTo("/echo/room/7");
			assertThat(seen.get("query").asString()).isEqualTo("x=1&y=%C3%A9");
			assertThat(values(seen.get("headers"), "x-user-id")).containsExactly("carol");
		}
	}

	@Test
	void subprotocolIsTheOneTheUpstreamAccepted() throws IOException {
		Map<String, String> headers = new LinkedHashMap<>(TestClient.bearer(TestTokens.token("dave")));
		headers.put("Sec-WebSocket-Protocol", "chat.v2, chat.v1");
		try (RawWebSocket raw = RawWebSocket.connect(this.port, "/up/echo", headers)) {
			assertThat(raw.status()).isEqualTo(101);
			assertThat(raw.header("Sec-WebSocket-Protocol")).isEqualTo("chat.v2");
			raw.sendText("whoami");
			assertThat(TestClient.json().readTree(raw.readFrame(TIMEOUT).text()).get("subprotocol").asString())
				.isEqualTo("chat.v2");
		}
	}

	@Test
	void handshakeWithoutTokenIsRefusedBeforeAnyUpstreamConnection() {
		int before = H.handshakes("/echo").size();
		assertThatExceptionOfType(HandshakeFailure.class).isThrownBy(() -> TestClient.open(uri("/up/echo"), Map.of()))
			.satisfies((failure) -> assertThat(failure.status()).isEqualTo(401));
		assertThat(H.handshakes("/echo")).hasSize(before);
	}

	// ---- backpressure --------------------------------------------------------------

	@Test
	void clientThatStopsReadingStopsTheUpstreamInsteadOfFillingTheGateway() throws IOException {
		int count = 1024;
		int size = 64 * 1024;
		long sentBefore = H.floodSentBytes();
		int messagesBefore = H.floodSent();
		try (RawWebSocket raw = raw("/up/echo/flood")) {
			raw.sendText("flood:" + count + ":" + size);
			long stalledAt = awaitStall(() -> H.floodSentBytes() - sentBefore);
			assertThat(stalledAt).as("bytes the upstream could send while the client read nothing")
				.isLessThan((long) count * size / 2);

			for (int i = 0; i < count; i++) {
				RawWebSocket.Frame frame = raw.readFrame(TIMEOUT);
				assertThat(frame.opcode()).isEqualTo(RawWebSocket.BINARY);
				assertThat(frame.payload()).hasSize(size);
				assertThat(ByteBuffer.wrap(frame.payload()).getInt()).isEqualTo(i);
			}
			await().until(() -> H.floodSent() - messagesBefore == count);
		}
	}

	@Test
	void upstreamThatStopsReadingStopsTheClientInsteadOfFillingTheGateway() throws Exception {
		int count = 1024;
		byte[] chunk = new byte[64 * 1024];
		long sunkBefore = H.sunkBytes();
		AtomicInteger written = new AtomicInteger();
		try (RawWebSocket raw = raw("/up/echo/sink")) {
			raw.sendText("sink-paused");
			Thread writer = new Thread(() -> {
				try {
					for (int i = 0; i < count; i++) {
						raw.sendFrame(RawWebSocket.BINARY, true, chunk);
						written.incrementAndGet();
					}
				}
				catch (IOException ex) {
					// the socket was closed by the test's end
				}
			}, "slow-upstream-writer");
			writer.setDaemon(true);
			writer.start();
			long stalledAt = awaitStall(written::get);
			assertThat(stalledAt).as("frames the client could write while the upstream read nothing")
				.isLessThan(count / 2);

			H.resumeReading();
			await().until(() -> H.sunkBytes() - sunkBefore == (long) count * chunk.length);
			writer.join(TIMEOUT.toMillis());
			assertThat(written).hasValue(count);
		}
	}

	// ---- visibility ------------------------------------------------------------------

	@Test
	void openConnectionsShowInMetricsAndActuator() throws Exception {
		UpstreamTarget h = target("echo", "h");
		await().until(() -> h.connections() == 0);
		double accepted = this.meters.get("gateway.handshakes").tag("outcome", HandshakeOutcome.ACCEPTED.tag()).counter().count();
		try (TestClient client = open("/up/echo", "visible-user")) {
			assertThat(server(client)).isEqualTo("h");
			assertThat(this.meters.get("gateway.upstream.connections").tag("route", "echo").tag("target", "h").gauge().value())
				.isEqualTo(1);
			assertThat(this.meters.get("gateway.handshakes").tag("outcome", HandshakeOutcome.ACCEPTED.tag()).counter().count())
				.isEqualTo(accepted + 1);
			Map<String, Object> sections = new LinkedHashMap<>();
			this.stats.contribute(sections);
			assertThat(sections.get("upstreams")).asInstanceOf(InstanceOfAssertFactories.LIST)
				.filteredOn((route) -> ((UpstreamRegistry.RouteSnapshot) route).id().equals("echo"))
				.singleElement()
				.satisfies((route) -> assertThat(((UpstreamRegistry.RouteSnapshot) route).targets()).singleElement()
					.satisfies((target) -> {
						assertThat(target.connections()).isEqualTo(1);
						assertThat(target.healthy()).isTrue();
						assertThat(target.circuit()).isEqualTo("CLOSED");
						assertThat(target.url()).isEqualTo("ws://127.0.0.1:" + H.port() + "/echo");
					}));

			HttpResponse<String> actuator = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/websocket"))
					.header("Authorization",
							"Basic " + Base64.getEncoder().encodeToString("test:test".getBytes(StandardCharsets.UTF_8)))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(actuator.statusCode()).isEqualTo(200);
			JsonNode upstreams = TestClient.json().readTree(actuator.body()).get("upstreams");
			assertThat(upstreams.isArray()).isTrue();
			assertThat(upstreams.valueStream().map((route) -> route.get("id").asString())).contains("echo", "failover",
					"circuit");
		}
		await().until(() -> h.connections() == 0);
	}

	// ---- helpers -------------------------------------------------------------------

	private RawWebSocket raw(String path) throws IOException {
		RawWebSocket raw = RawWebSocket.connect(this.port, path, TestClient.bearer(TestTokens.token("raw-user")));
		assertThat(raw.status()).isEqualTo(101);
		return raw;
	}

	private static List<UpstreamServer.ReceivedFrame> dataFrames() {
		return H.frames()
			.stream()
			.filter((frame) -> frame.opcode() <= RawWebSocket.BINARY)
			.toList();
	}

	private static Tuple frame(int opcode, boolean fin) {
		return Tuple.tuple(opcode, fin);
	}

	private static List<String> values(JsonNode headers, String name) {
		JsonNode values = headers.get(name);
		return (values == null) ? List.of() : values.valueStream().map(JsonNode::asString).toList();
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] concat(List<ByteBuffer> buffers) {
		int size = buffers.stream().mapToInt(ByteBuffer::remaining).sum();
		ByteBuffer all = ByteBuffer.allocate(size);
		buffers.forEach((buffer) -> all.put(buffer.duplicate()));
		return all.array();
	}

	/**
	 * Waits until {@code progress} stops growing between two polls and returns where it
	 * stopped: no time is asserted, only how far a blocked sender got.
	 */
	private static long awaitStall(LongSupplier progress) {
		long[] last = { -1 };
		await().pollInterval(Duration.ofMillis(300)).atMost(Duration.ofSeconds(60)).until(() -> {
			long now = progress.getAsLong();
			boolean stalled = now > 0 && now == last[0];
			last[0] = now;
			return stalled;
		});
		return last[0];
	}

}
