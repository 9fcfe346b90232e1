package io.wsgateway.session;

import java.io.IOException;
import java.time.Duration;

import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pings count against {@code gateway.limits.messages-per-second}, on a real server with the
 * default limits: a flood of pings is closed with 4008, with pongs but no
 * {@code rate_limited} frame on the way.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "gateway.security.jwt.secret=" + TestTokens.SECRET)
@ActiveProfiles("test")
class PingRateLimitEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	int port;

	@Test
	void closesAPingFloodWith4008WithoutRateLimitedFrames() throws IOException {
		try (RawWebSocket flooder = RawWebSocket.connect(this.port, "/ws",
				TestClient.bearer(TestTokens.token("ping-rate")))) {
			assertThat(flooder.status()).isEqualTo(101);
			assertThat(flooder.readFrame(WAIT).text()).contains("\"type\":\"connected\"");
			for (int i = 0; i < 1000; i++) {
				flooder.sendFrame(RawWebSocket.PING, true, new byte[] { (byte) i });
			}
			RawWebSocket.Frame frame;
			int pongs = 0;
			do {
				frame = flooder.readFrame(WAIT);
				assertThat(frame).as("a close frame").isNotNull();
				assertThat(frame.opcode()).as("no text frame: %s", frame).isNotEqualTo(RawWebSocket.TEXT);
				pongs += (frame.opcode() == RawWebSocket.PONG) ? 1 : 0;
			}
			while (frame.opcode() != RawWebSocket.CLOSE);
			assertThat(frame.closeCode()).isEqualTo(4008);
			assertThat(pongs).isPositive();
		}
	}

}
