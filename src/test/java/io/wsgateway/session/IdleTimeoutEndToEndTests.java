package io.wsgateway.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

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

/**
 * Idle timeout on a real server: 1 s, shorter than two 10 s heartbeat intervals, so that
 * it is the idle timeout and not the heartbeat that closes a silent client.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.websocket.heartbeat-interval=10s", "gateway.websocket.idle-timeout=1s" })
@ActiveProfiles("test")
class IdleTimeoutEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void closesASilentClientAfterTheIdleTimeout() throws IOException {
		try (RawWebSocket silent = RawWebSocket.connect(this.port, "/ws",
				TestClient.bearer(TestTokens.token("idle")))) {
			assertThat(silent.status()).isEqualTo(101);
			RawWebSocket.Frame frame;
			do {
				frame = silent.readFrame(WAIT);
				assertThat(frame).as("a close frame").isNotNull();
			}
			while (frame.opcode() != RawWebSocket.CLOSE);
			assertThat(frame.closeCode()).isEqualTo(1000);
			assertThat(new String(frame.payload(), 2, frame.payload().length - 2, StandardCharsets.UTF_8))
				.isEqualTo("idle timeout");
		}
	}

	@Test
	void keepsAClientThatKeepsTalking() {
		try (TestClient client = TestClient.connect(this.port, TestTokens.token("talker"))) {
			ClientSession session = TestSessions.awaitRegistered(this.registry, client.connectionId());
			long end = System.nanoTime() + Duration.ofMillis(2_500).toNanos();
			while (System.nanoTime() < end) {
				assertThat(client.request("{\"type\":\"ping\"}").get("type").asString()).isEqualTo("pong");
				LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
			}
			assertThat(session.isOpen()).isTrue();
			assertThat(client.isClosed()).isFalse();
		}
	}

}
