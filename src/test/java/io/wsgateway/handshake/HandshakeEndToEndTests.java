package io.wsgateway.handshake;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.HandshakeFailure;
import io.wsgateway.testsupport.HandshakeResult;
import io.wsgateway.testsupport.LogCapture;
import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The handshake table of the wire contract on a real server: accepted (101, {@code connected}
 * first), 401 for every kind of bad credential without echoing anything of the token, 403
 * for a foreign origin, the token sources, and the client IP behind a trusted proxy. The
 * 429 and 503 rows are in {@link AdmissionEndToEndTests} and {@code ShutdownEndToEndTests}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.websocket.allowed-origins=https://*.example.com",
				"gateway.admission.trusted-proxies=127.0.0.1/32" })
@ActiveProfiles("test")
class HandshakeEndToEndTests {

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void acceptsValidBearerTokenAndSendsConnectedFirst() {
		try (TestClient client = TestClient.open(TestClient.uri(this.port),
				TestClient.bearer(TestTokens.token("alice", List.of("admin"), List.of("clan-1"))))) {
			JsonNode first = client.next();
			assertThat(first.get("type").asString()).isEqualTo("connected");
			assertThat(first.get("userId").asString()).isEqualTo("alice");
			assertThat(first.get("connectionId").asString()).isNotBlank();
			assertThat(first.get("heartbeatIntervalMs").asLong()).isEqualTo(30_000);
			assertThat(first.get("message").isString()).isTrue();
			ClientSession session = TestSessions.awaitRegistered(this.registry, first.get("connectionId").asString());
			assertThat(session).isNotNull();
			assertThat(session.identity().roles()).containsExactly("admin");
			assertThat(session.identity().clans()).containsExactly("clan-1");
			assertThat(session.ip()).isEqualTo("127.0.0.1");
		}
	}

	@Test
	void acceptsTokenFromAccessTokenQueryParameter() {
		try (TestClient client = TestClient.connect(TestClient.uri(this.port, TestTokens.token("bob")))) {
			assertThat(client.connected().get("userId").asString()).isEqualTo("bob");
			assertThat(client.request("{\"type\":\"ping\"}").get("type").asString()).isEqualTo("pong");
		}
	}

	@Test
	void prefersAuthorizationHeaderOverQueryParameter() {
		URI withQuery = TestClient.uri(this.port, TestTokens.token("from-query"));
		try (TestClient client = TestClient.connect(withQuery, TestClient.bearer(TestTokens.token("from-header")))) {
			assertThat(client.connected().get("userId").asString()).isEqualTo("from-header");
		}
		assertThatExceptionOfType(HandshakeFailure.class)
			.isThrownBy(() -> TestClient.connect(withQuery, TestClient.bearer("not-a-jwt")))
			.satisfies((failure) -> assertThat(failure.status()).isEqualTo(401));
	}

	@Test
	void rejectsMissingTokenWith401() {
		HandshakeResult result = TestClient.handshake(TestClient.uri(this.port), Map.of());
		assertThat(result.status()).isEqualTo(401);
		assertThat(result.header("WWW-Authenticate")).startsWith("Bearer");
	}

	static Stream<Arguments> badTokens() {
		String subject = "mallory-7f3a";
		KeyPair otherRsa = TestTokens.rsaKeyPair();
		return Stream.of(
				Arguments.of("expired", subject,
						TestTokens.forUser(subject).expiresAt(Instant.now().minus(Duration.ofMinutes(10))).build()),
				Arguments.of("not yet valid", subject,
						TestTokens.forUser(subject).notBefore(Instant.now().plus(Duration.ofMinutes(10))).build()),
				Arguments.of("bad signature", subject,
						TestTokens.forUser(subject).signedWith(TestTokens.hmacKey("another-secret-of-at-least-32-bytes!!")).build()),
				Arguments.of("alg none", subject, TestTokens.unsigned(TestTokens.claimsJson(subject))),
				Arguments.of("wrong key type", subject, TestTokens.forUser(subject).signedWith(otherRsa.getPrivate()).build()),
				Arguments.of("no subject", "secret-claim-value",
						TestTokens.forUser(null).claim("name", "secret-claim-value").build()),
				Arguments.of("garbage", "garbage-token-xyz", "garbage-token-xyz"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badTokens")
	void rejectsBadTokenWith401WithoutEchoingIt(String kind, String secretPart, String token) throws IOException {
		try (LogCapture logs = LogCapture.capture(Level.TRACE, "io.wsgateway", "org.springframework.web.socket");
				RawWebSocket viaHeader = RawWebSocket.connect(this.port, "/ws", Map.of("Authorization", "Bearer " + token));
				RawWebSocket viaQuery = RawWebSocket.connect(this.port, "/ws?access_token=" + token, Map.of())) {
			for (RawWebSocket raw : List.of(viaHeader, viaQuery)) {
				assertThat(raw.status()).as(kind).isEqualTo(401);
				String wire = raw.headers() + "\n" + raw.body();
				assertThat(wire).doesNotContain(token).doesNotContain(secretPart);
				for (String part : token.split("\\.")) {
					if (part.length() > 8) {
						assertThat(wire).doesNotContain(part);
					}
				}
			}
			assertThat(this.registry.byUser(secretPart)).isEmpty();
			assertThat(logs.messages()).noneMatch((line) -> line.contains(token) || line.contains(secretPart));
		}
	}

	@Test
	void rejectedHandshakeBodyIsPlainReasonWithNoStore() throws IOException {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, "/ws", Map.of())) {
			assertThat(raw.status()).isEqualTo(401);
			assertThat(raw.header("Cache-Control")).isEqualTo("no-store");
			assertThat(raw.body()).isEqualTo("authentication required\n");
		}
	}

	@Test
	void rejectsForeignOriginWith403() {
		Map<String, String> headers = Map.of("Authorization", "Bearer " + TestTokens.token("alice"), "Origin",
				"https://evil.example.org");
		HandshakeResult result = TestClient.handshake(TestClient.uri(this.port), headers);
		assertThat(result.status()).isEqualTo(403);
		assertThat(result.header("Retry-After")).isNull();
	}

	@Test
	void checksOriginBeforeToken() {
		HandshakeResult result = TestClient.handshake(TestClient.uri(this.port), Map.of("Origin", "https://evil.test"));
		assertThat(result.status()).isEqualTo(403);
	}

	@Test
	void acceptsOriginMatchingAllowedPattern() {
		Map<String, String> headers = Map.of("Authorization", "Bearer " + TestTokens.token("alice"), "Origin",
				"https://app.example.com");
		try (TestClient client = TestClient.connect(TestClient.uri(this.port), headers)) {
			assertThat(client.connected().get("userId").asString()).isEqualTo("alice");
		}
	}

	@Test
	void acceptsSameOrigin() {
		Map<String, String> headers = Map.of("Authorization", "Bearer " + TestTokens.token("alice"), "Origin",
				"http://127.0.0.1:" + this.port);
		try (TestClient client = TestClient.connect(TestClient.uri(this.port), headers)) {
			assertThat(client.connectionId()).isNotNull();
		}
	}

	@Test
	void acceptsRequestWithoutOrigin() {
		try (TestClient client = TestClient.connect(this.port, TestTokens.token("native-client"))) {
			assertThat(client.connectionId()).isNotNull();
		}
	}

	@Test
	void takesClientIpFromForwardedForOfTrustedProxy() {
		Map<String, String> headers = Map.of("Authorization", "Bearer " + TestTokens.token("proxied"),
				"X-Forwarded-For", "203.0.113.7");
		try (TestClient client = TestClient.connect(TestClient.uri(this.port), headers)) {
			assertThat(TestSessions.awaitRegistered(this.registry, client.connectionId()).ip()).isEqualTo("203.0.113.7");
		}
	}

	@Test
	void ignoresForgedLeftmostForwardedForEntries() {
		Map<String, String> headers = Map.of("Authorization", "Bearer " + TestTokens.token("spoofer"),
				"X-Forwarded-For", "10.0.0.1, 198.51.100.9, 127.0.0.1");
		try (TestClient client = TestClient.connect(TestClient.uri(this.port), headers)) {
			assertThat(TestSessions.awaitRegistered(this.registry, client.connectionId()).ip()).isEqualTo("198.51.100.9");
		}
	}

	@Test
	void handshakeFailureOfJdkClientCarriesStatusAndHeaders() {
		assertThatExceptionOfType(HandshakeFailure.class)
			.isThrownBy(() -> TestClient.connect(TestClient.uri(this.port), TestClient.bearer("x.y.z")))
			.satisfies((failure) -> {
				assertThat(failure.status()).isEqualTo(401);
				assertThat(failure.header("www-authenticate")).isNotNull();
			});
	}

}
