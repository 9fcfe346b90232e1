package io.wsgateway.session;

import java.io.IOException;
import java.time.Duration;

import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Heartbeat on a real server with a 500 ms interval: WebSocket pings arrive, a client that
 * answers them stays connected, and one that goes silent is closed after two intervals.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.websocket.heartbeat-interval=500ms", "gateway.websocket.send-time-limit=2s" })
@ActiveProfiles("test")
class HeartbeatEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void announcesTheHeartbeatIntervalAndSendsWebSocketPings() throws IOException {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, "/ws", TestClient.bearer(TestTokens.token("pinged")))) {
			assertThat(raw.status()).isEqualTo(101);
			RawWebSocket.Frame connected = raw.readFrame(WAIT);
			assertThat(connected.text()).contains("\"type\":\"connected\"").contains("\"heartbeatIntervalMs\":500");
			RawWebSocket.Frame ping = raw.readFrame(WAIT);
			assertThat(ping.opcode()).isEqualTo(RawWebSocket.PING);
		}
	}

	@Test
	void keepsAClientThatAnswersPingsConnected() {
		try (TestClient client = TestClient.connect(this.port, TestTokens.token("answering"))) {
			ClientSession session = TestSessions.awaitRegistered(this.registry, client.connectionId());
			// the JDK client answers pings by itself; six intervals pass without any message
			await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(session::isOpen);
			assertThat(client.isClosed()).isFalse();
			assertThat(client.request("{\"type\":\"ping\"}").get("type").asString()).isEqualTo("pong");
		}
	}

	@Test
	void closesAClientThatDoesNotAnswerPingsAfterTwoIntervals() throws IOException {
		long started = System.nanoTime();
		try (RawWebSocket silent = RawWebSocket.connect(this.port, "/ws",
				TestClient.bearer(TestTokens.token("silent")))) {
			assertThat(silent.status()).isEqualTo(101);
			RawWebSocket.Frame close;
			do {
				close = silent.readFrame(WAIT);
				assertThat(close).as("a close frame").isNotNull();
			}
			while (close.opcode() != RawWebSocket.CLOSE);
			assertThat(close.closeCode()).isEqualTo(1000);
			assertThat(new String(close.payload(), 2, close.payload().length - 2, java.nio.charset.StandardCharsets.UTF_8))
				.isEqualTo("heartbeat timeout");
		}
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void closesAJdkClientThatStoppedReadingAndSoStoppedAnsweringPings() {
		try (TestClient client = TestClient.connect(this.port, TestTokens.token("paused"))) {
			TestSessions.awaitRegistered(this.registry, client.connectionId());
			client.pauseReading();
			await().atMost(WAIT).until(() -> this.registry.get(client.connectionId()) == null);
			client.resumeReading();
			assertThat(client.awaitClose(WAIT)).isIn(1000, TestClient.ABNORMAL_CLOSE);
		}
	}

}
