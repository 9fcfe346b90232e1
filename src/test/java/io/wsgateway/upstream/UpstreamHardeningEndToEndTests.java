package io.wsgateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static io.wsgateway.upstream.UpstreamFixtures.GUARDED;
import static io.wsgateway.upstream.UpstreamFixtures.H;
import static io.wsgateway.upstream.UpstreamFixtures.HANGING;
import static io.wsgateway.upstream.UpstreamFixtures.HANG_PENDING;
import static io.wsgateway.upstream.UpstreamFixtures.LOCATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The upstream routes turned against the gateway (issue 26), from both sides, each against
 * real sockets and a target of the test's own ({@link RawTarget}): a target that redirects,
 * spellings of the token, malformed upgrades, a thousand handshakes waiting for a target
 * that never answers, and targets that break the WebSocket protocol.
 */
class UpstreamHardeningEndToEndTests extends UpstreamEndToEndTest {

	private static final Duration TIMEOUT = TestClient.TIMEOUT;

	private static final int BATCH = 25;

	private static final int WARM_UP = 100;

	@Autowired
	MeterRegistry meters;

	// ---- redirects -------------------------------------------------------------------

	@ParameterizedTest
	@ValueSource(strings = { "301", "302", "307", "308", "302-http" })
	void targetsRedirectIsAFailureAndNeverFollowed(String redirect) throws IOException {
		UpstreamTarget target = target("redirect", "redirect");
		long failedBefore = target.circuit().getMetrics().getNumberOfFailedCalls();
		try (RawWebSocket client = RawWebSocket.connect(this.port, "/up/redirect/" + redirect,
				TestClient.bearer(TestTokens.token("redirected")))) {
			assertThat(client.status()).isEqualTo(502);
			assertThat(client.body()).doesNotContain("127.0.0.1", "elsewhere", Integer.toString(LOCATION.port()));
			assertThat(client.headers()).doesNotContainKey("location");
		}
		assertThat(target.circuit().getMetrics().getNumberOfFailedCalls()).isEqualTo(failedBefore + 1);
		assertThat(LOCATION.accepted()).as("connections to the Location").isZero();
	}

	// ---- the token -------------------------------------------------------------------

	@ParameterizedTest
	@ValueSource(strings = { "access_token", "access%5Ftoken", "access%5ftoken", "%61ccess_token", "access_toke%6E",
			"%61ccess%5Ftoke%6e" })
	void noSpellingOfTheTokenReachesTheTarget(String name) {
		String token = TestTokens.token("spelled");
		String query = "?x=1&" + name + "=" + token + "&secret=s";
		try (TestClient client = TestClient.open(uri("/up/echo/room" + query), Map.of())) {
			JsonNode seen = whoami(client);
			assertThat(seen.get("headers").get("x-user-id").get(0).asString()).as("authenticated by the query")
				.isEqualTo("spelled");
			assertThat(seen.get("query").asString()).isEqualTo("x=1");
			assertThat(seen.toString()).doesNotContain(token);
		}
		try (TestClient client = TestClient.open(uri("/up/token" + query), Map.of())) {
			JsonNode seen = whoami(client);
			assertThat(seen.get("query").asString()).isEqualTo("x=1");
			assertThat(seen.get("headers").get("authorization").get(0).asString())
				.as("forward-token: the token goes on as a header only")
				.isEqualTo("Bearer " + token);
		}
	}

	// ---- refused upgrades --------------------------------------------------------------

	@Test
	void refusedUpgradesNeverReachTheTargetAndAnswerAsOnTheGatewaysEndpoint() throws IOException {
		String bearer = "Authorization: Bearer " + TestTokens.token("malformed") + "\r\n";
		String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
		String key = "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n";
		String version = "Sec-WebSocket-Version: 13\r\n";
		Map<String, Integer> malformed = Map.of(
				"GET %s HTTP/1.1\r\n" + upgrade + version + bearer, 400,
				"GET %s HTTP/1.1\r\n" + upgrade + key + "Sec-WebSocket-Version: 8\r\n" + bearer, 426,
				"GET %s HTTP/1.0\r\n" + upgrade + key + version + bearer, 400,
				"GET %s HTTP/1.1\r\nUpgrade: websocket\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n" + key + version + bearer,
				400,
				"GET %s HTTP/1.1\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n" + key + version + bearer, 400,
				"POST %s HTTP/1.1\r\n" + upgrade + key + version + bearer + "Content-Length: 0\r\n", 405,
				"GET %s HTTP/1.1\r\n" + upgrade + key + version, 401,
				"GET %s HTTP/1.1\r\n" + upgrade + key + version + "Origin: https://evil.example\r\n" + bearer, 403);
		for (Map.Entry<String, Integer> request : malformed.entrySet()) {
			String described = request.getKey().split("\r\n")[0] + " ...";
			assertThat(status(request.getKey().formatted("/up/guarded"))).as(described).isEqualTo(request.getValue());
			assertThat(status(request.getKey().formatted("/ws"))).as("/ws, " + described).isEqualTo(request.getValue());
		}
		assertThat(GUARDED.accepted()).as("connections to the target").isZero();
		// the same upgrade, well formed, does reach it
		try (RawWebSocket client = RawWebSocket.connect(this.port, "/up/guarded",
				TestClient.bearer(TestTokens.token("malformed")))) {
			assertThat(client.status()).isEqualTo(502);
		}
		assertThat(GUARDED.accepted()).isEqualTo(1);
	}

	// Sends one request head on a fresh connection; returns the answer's status.
	private int status(String head) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write((head + "Host: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			for (int next = in.read(); next != -1 && next != '\n'; next = in.read()) {
				line.append((char) next);
			}
			return Integer.parseInt(line.toString().split(" ")[1]);
		}
	}

	// ---- waiting handshakes --------------------------------------------------------------

	@Test
	void thousandHandshakesWaitingForASilentTargetHoldNoThreads() throws Exception {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		int cores = Runtime.getRuntime().availableProcessors();
		int acceptedBefore = HANGING.accepted();
		String token = TestTokens.token("patient");
		List<Socket> waiting = new ArrayList<>();
		int threadsBefore = 0;
		int peak = 0;
		try {
			for (int i = 0; i < HANG_PENDING; i++) {
				if (i == WARM_UP) {
					// the pools have met batches of new connections; from here on only the waiting grows
					threadsBefore = threads.getThreadCount();
				}
				if (i % BATCH == 0) {
					// waiting handshakes, not a burst of new connections, which any pool meets with threads
					int sent = i;
					await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(10))
						.untilAsserted(() -> assertThat(HANGING.accepted() - acceptedBefore).isGreaterThanOrEqualTo(sent));
				}
				Socket socket = new Socket("127.0.0.1", this.port);
				waiting.add(socket);
				socket.getOutputStream()
					.write(("GET /up/hang HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
							+ "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
							+ "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + token + "\r\n\r\n")
						.getBytes(StandardCharsets.ISO_8859_1));
				peak = Math.max(peak, threads.getThreadCount());
			}
			await().atMost(Duration.ofMinutes(1))
				.untilAsserted(() -> assertThat(HANGING.accepted() - acceptedBefore).isGreaterThanOrEqualTo(HANG_PENDING));
			peak = Math.max(peak, threads.getThreadCount());

			try (RawWebSocket beyond = RawWebSocket.connect(this.port, "/up/hang", TestClient.bearer(token))) {
				assertThat(beyond.status()).as("beyond max-pending-handshakes").isEqualTo(503);
				assertThat(beyond.header("Retry-After")).isEqualTo("120");
			}
			HttpResponse<String> liveness = HttpClient.newBuilder()
				.connectTimeout(TIMEOUT)
				.build()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health/liveness"))
					.timeout(TIMEOUT)
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(liveness.statusCode()).isEqualTo(200);
			try (TestClient client = open("/up/echo", "meanwhile")) {
				assertThat(server(client)).isEqualTo("h");
			}
			peak = Math.max(peak, threads.getThreadCount());
			System.out.printf("threads: %d with %d handshakes waiting, %d at most with %d, %d cores%n", threadsBefore,
					WARM_UP, peak, HANG_PENDING, cores);
			assertThat(peak - threadsBefore).as("threads added from %d to %d waiting handshakes", WARM_UP, HANG_PENDING)
				.isLessThanOrEqualTo(4 * cores + 16);
		}
		finally {
			for (Socket socket : waiting) {
				socket.close();
			}
			HANGING.dropHeld();
		}
		await().atMost(Duration.ofMinutes(1))
			.untilAsserted(() -> assertThat(this.meters.get("gateway.upstream.handshakes")
				.tag("route", "hang")
				.counters()
				.stream()
				.filter((counter) -> List.of("bad_gateway", "circuit_open").contains(counter.getId().getTag("outcome")))
				.mapToDouble((counter) -> counter.count())
				.sum()).as("handshakes ended once the target dropped them (502, or 503 once its circuit opened)")
				.isGreaterThanOrEqualTo(HANG_PENDING));
	}

	// ---- protocol errors of a target ------------------------------------------------------

	@ParameterizedTest
	@ValueSource(strings = {
			"8182000000006869", // masked text frame
			"c1026869", // RSV1 without an extension
			"8300", // reserved opcode 3
			"897e007e" + "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
					+ "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
					+ "00000000000000000000000000000000000000000000000000000000", // ping of 126 bytes
			"880203ed", // close 1005
			"880203ee", // close 1006
			"880203f7", // close 1015
			"880203e7", // close 999
			"880203ec", // close 1004
			"880207d0", // close 2000
			"88021388", // close 5000
			"880101" // close with a one-byte payload
	})
	void targetsProtocolErrorClosesTheClientWith1014AndAFixedReason(String frame) {
		try (TestClient client = open("/up/rogue/" + frame, "rogue-victim")) {
			assertThat(client.awaitClose()).isEqualTo(1014);
			assertThat(client.closeReason()).isEqualTo("upstream protocol error");
		}
	}

}
