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
 * With {@code server.servlet.context-path} set, the endpoint is under it, as every other
 * path of the application is, although it is upgraded before the servlet container.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET, "server.servlet.context-path=/gw" })
@ActiveProfiles("test")
class ContextPathEndToEndTests {

	@LocalServerPort
	int port;

	@Test
	void upgradesTheWebSocketPathUnderTheContextPath() throws IOException {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, "/gw/ws", TestClient.bearer(TestTokens.token("ctx")))) {
			assertThat(raw.status()).isEqualTo(101);
			assertThat(raw.readFrame(Duration.ofSeconds(10)).text()).contains("\"connected\"");
		}
	}

	@Test
	void doesNotUpgradeThePathWithoutTheContextPath() throws IOException {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, "/ws", TestClient.bearer(TestTokens.token("ctx")))) {
			assertThat(raw.status()).isEqualTo(404);
		}
	}

}
