package io.wsgateway.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.testsupport.LogCapture;
import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure of the gateway's own code while handling a message, on a real server with a
 * handler that fails on purpose: the client gets a fixed text and its connection id, never
 * the exception's message, whether the failure ends in an {@code internal_error} frame or
 * in a 1011 close, and the exception is logged once with the connection id.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "gateway.security.jwt.secret=" + TestTokens.SECRET)
@ActiveProfiles("test")
@DirtiesContext
class InternalErrorEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String SECRET_DETAIL = "secret detail of the failure";

	@LocalServerPort
	int port;

	@Test
	void closesWith1011AFixedTextAndTheConnectionIdWhenHandlingFailsOutsideTheHandlerContract() throws IOException {
		try (LogCapture log = LogCapture.capture(Level.ERROR, GatewayWebSocketHandler.class.getName());
				RawWebSocket client = RawWebSocket.connect(this.port, "/ws",
						TestClient.bearer(TestTokens.token("failing")))) {
			String connected = client.readFrame(WAIT).text();
			String connectionId = TestClient.json().readTree(connected).path("connectionId").asString();
			client.sendText("{\"type\":\"explode\",\"error\":true}");
			RawWebSocket.Frame close = client.readFrame(WAIT);
			assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
			assertThat(close.closeCode()).isEqualTo(1011);
			String reason = new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8);
			assertThat(reason).isEqualTo("internal error, connection " + connectionId).doesNotContain("secret");
			assertThat(log.events((event) -> event.getThrowableProxy() != null)).singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage()).contains(connectionId))
				.extracting(ILoggingEvent::getThrowableProxy)
				.satisfies((thrown) -> assertThat(thrown.getMessage()).isEqualTo(SECRET_DETAIL));
		}
	}

	@Test
	void answersInternalErrorWithAFixedTextAndTheConnectionId() {
		try (TestClient client = TestClient.connect(this.port, TestTokens.token("failing-handler"))) {
			var reply = client.request("{\"type\":\"explode\",\"error\":false}");
			assertThat(reply.path("code").asString()).isEqualTo("internal_error");
			assertThat(reply.path("message").asString()).isEqualTo("internal error, connection " + client.connectionId());
		}
	}

	@TestConfiguration
	static class FailingHandler {

		@Bean
		MessageHandler<Explode> explodingHandler() {
			return new MessageHandler<>() {

				@Override
				public String type() {
					return "explode";
				}

				@Override
				public Class<Explode> messageClass() {
					return Explode.class;
				}

				@Override
				public CompletionStage<ServerMessage> handle(ClientSession session, Explode message) {
					// an Error escapes the handler contract, a RuntimeException does not
					if (message.error()) {
						throw new AssertionError(SECRET_DETAIL);
					}
					throw new IllegalStateException(SECRET_DETAIL);
				}

			};
		}

	}

	record Explode(boolean error) {
	}

}
