package io.wsgateway.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.wsgateway.testsupport.HandshakeResult;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every log line about a connection carries its connection id and user id (MDC, shown by
 * {@code logging.pattern.correlation} in plain logs), and no token ever appears, whether
 * it came as a header or as {@code access_token}, was accepted or refused.
 * {@link StructuredLoggingTests} covers the JSON form.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.io.wsgateway=DEBUG", "gateway.sessions.per-user=single" })
@ActiveProfiles("test")
@DirtiesContext
class ConnectionLoggingTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@AfterAll
	static void restoreLevel() {
		// the level outlives this context in the shared logging system: put it back for later classes
		LoggingSystem.get(ConnectionLoggingTests.class.getClassLoader()).setLogLevel("io.wsgateway", null);
	}

	@Test
	void connectionLinesCarryConnectionAndUserIdAndNeverTheToken(CapturedOutput output) {
		String user = "logged-" + Wire.unique();
		String headerToken = TestTokens.token(user);
		String queryToken = TestTokens.token(user + "-q");
		String expired = TestTokens.forUser(user).expiresAt(Instant.now().minusSeconds(3600)).build();
		String forged = TestTokens.forUser(user).signedWith(TestTokens.hmacKey("y".repeat(40))).build();
		String garbage = "not-a-jwt-" + Wire.unique();

		String headerConnection;
		String queryConnection;
		try (TestClient viaHeader = TestClient.connect(this.port, headerToken);
				TestClient viaQuery = TestClient.connect(TestClient.uri(this.port, queryToken), Map.of())) {
			headerConnection = viaHeader.connectionId();
			queryConnection = viaQuery.connectionId();
			assertThat(viaHeader.request("{\"type\":\"echo\",\"payload\":1}").path("payload").asInt()).isEqualTo(1);
			// an unknown type and bad JSON are answered with errors, not logged with the message text
			viaQuery.request("{\"type\":\"nope\"}");
			viaQuery.send("{not json " + queryToken);
			viaQuery.next("error");
		}
		for (String refused : List.of(expired, forged, garbage)) {
			HandshakeResult result = TestClient.handshake(TestClient.uri(this.port), TestClient.bearer(refused));
			assertThat(result.status()).isEqualTo(401);
		}
		assertThat(TestClient.handshake(TestClient.uri(this.port, expired), Map.of()).status()).isEqualTo(401);

		await().atMost(WAIT)
			.until(() -> lines(output, "Connection closed with 1000").size() == 2
					&& lines(output, "Handshake refused: token").size() >= 4);

		assertThat(lines(output, "Connection opened from 127.0.0.1"))
			.anySatisfy((line) -> assertThat(line).contains("[" + headerConnection + " " + user + "] "))
			.anySatisfy((line) -> assertThat(line).contains("[" + queryConnection + " " + user + "-q] "));
		assertThat(lines(output, "Connection closed with 1000"))
			.anySatisfy((line) -> assertThat(line).contains("[" + headerConnection + " " + user + "] "))
			.anySatisfy((line) -> assertThat(line).contains("[" + queryConnection + " " + user + "-q] "));
		// every io.wsgateway line naming one of these connections carries both ids
		assertThat(output.getAll().lines().filter((line) -> line.contains(headerConnection)))
			.isNotEmpty()
			.allSatisfy((line) -> assertThat(line).contains("[" + headerConnection + " " + user + "] "));

		for (String token : List.of(headerToken, queryToken, expired, forged, garbage)) {
			assertThat(output.getAll()).as("log output contains a token").doesNotContain(token);
			// nor its signature, the part that makes it usable
			assertThat(output.getAll()).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
		}
	}

	@Test
	void aConnectionClosedWhileAnotherOpensDoesNotTakeTheOthersIdsOffItsLines(CapturedOutput output) {
		// per-user=single: the second connection closes the first (4009) on the thread that
		// opens the second, in the middle of the second's logging context
		String user = "replaced-" + Wire.unique();
		try (TestClient first = TestClient.connect(this.port, TestTokens.token(user))) {
			String firstConnection = first.connectionId();
			await().atMost(WAIT).until(() -> lines(output, "Connection opened from").stream()
				.anyMatch((line) -> line.contains(firstConnection)));
			try (TestClient second = TestClient.connect(this.port, TestTokens.token(user))) {
				String secondConnection = second.connectionId();
				assertThat(first.awaitClose(WAIT)).isEqualTo(4009);
				await().atMost(WAIT).until(() -> lines(output, "Connection closed with 4009").stream()
					.anyMatch((line) -> line.contains("[" + firstConnection + " " + user + "] ")));
				assertThat(lines(output, "Connection opened from"))
					.anySatisfy((line) -> assertThat(line).contains("[" + secondConnection + " " + user + "] "));
			}
		}
	}

	private static List<String> lines(CapturedOutput output, String text) {
		return output.getAll().lines().filter((line) -> line.contains(text)).toList();
	}

}
