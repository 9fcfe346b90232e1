package io.wsgateway.ops;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may call what: health (with its probe groups) and Prometheus are open; every other
 * Actuator endpoint needs HTTP Basic with {@code spring.security.user.*} or a gateway JWT
 * with role {@code admin}, and answers 401 otherwise; the {@code /ws} handshake is left to
 * the gateway's own checks (no CSRF, no session cookie). Also: on the local bus there is no
 * {@code broker} health and no {@code gateway.bus.connected} gauge.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "gateway.node-id=ops-access-node")
@ActiveProfiles("test")
@DirtiesContext
class ManagementAccessTests {

	@LocalServerPort
	int port;

	private Actuator actuator;

	@BeforeEach
	void setUp() {
		this.actuator = Actuator.at(this.port);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
			"/actuator/prometheus" })
	void probesAndScrapeAnswerWithoutCredential(String path) {
		HttpResponse<String> response = this.actuator.get(path);
		assertThat(response.statusCode()).isEqualTo(200);
		assertNoSessionCookie(response);
	}

	@Test
	void healthShowsDetailsOnlyToAnAuthorizedCaller() {
		JsonNode anonymous = TestClient.json().readTree(this.actuator.get("/actuator/health").body());
		assertThat(anonymous.path("status").asString()).isEqualTo("UP");
		assertThat(anonymous.has("components")).isFalse();

		for (String authorization : List.of(Actuator.BASIC, Actuator.adminJwt())) {
			HttpResponse<String> response = this.actuator.get("/actuator/health", authorization);
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode components = TestClient.json().readTree(response.body()).path("components");
			assertThat(components.path("websocket").path("details").path("level").asString()).isEqualTo("healthy");
			assertThat(components.path("capacity").path("status").asString()).isEqualTo("UP");
			assertThat(components.has("livenessState")).isTrue();
			assertThat(components.has("readinessState")).isTrue();
			// local bus: no broker to report on, and Spring Boot's own rabbit indicator is off
			assertThat(components.has("broker")).isFalse();
			assertThat(components.has("rabbit")).isFalse();
		}
		JsonNode readiness = this.actuator.json("/actuator/health/readiness").path("components");
		assertThat(readiness.has("readinessState")).isTrue();
		assertThat(readiness.has("capacity")).isTrue();
		assertThat(readiness.has("websocket")).isFalse();
		JsonNode liveness = this.actuator.json("/actuator/health/liveness").path("components");
		assertThat(liveness.has("livenessState")).isTrue();
		assertThat(liveness.has("capacity")).isFalse();

		assertThat(this.actuator.prometheus().samples("gateway_bus_connected")).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator", "/actuator/websocket", "/actuator/metrics",
			"/actuator/metrics/gateway.connections.active", "/actuator/info" })
	void otherEndpointsNeedBasicOrAnAdminJwt(String path) {
		assertUnauthorized(this.actuator.get(path));
		assertUnauthorized(this.actuator.get(path, Actuator.basic("test", "wrong")));
		assertUnauthorized(this.actuator.get(path, Actuator.basic("someone", "test")));
		// a valid gateway token without role admin, an expired admin token, a forged one
		assertUnauthorized(this.actuator.get(path, "Bearer " + TestTokens.token("player")));
		assertUnauthorized(this.actuator.get(path, "Bearer " + TestTokens.forUser("root")
			.roles("admin")
			.expiresAt(java.time.Instant.now().minusSeconds(3600))
			.build()));
		assertUnauthorized(this.actuator.get(path,
				"Bearer " + TestTokens.unsigned("{\"sub\":\"mallory\",\"roles\":[\"admin\"]}")));

		HttpResponse<String> basic = this.actuator.get(path, Actuator.BASIC);
		assertThat(basic.statusCode()).isEqualTo(200);
		assertNoSessionCookie(basic);
		HttpResponse<String> admin = this.actuator.get(path, Actuator.adminJwt());
		assertThat(admin.statusCode()).isEqualTo(200);
		assertNoSessionCookie(admin);
	}

	@Test
	void noCredentialIsRememberedBetweenRequests() {
		HttpResponse<String> first = this.actuator.get("/actuator/websocket", Actuator.BASIC);
		assertThat(first.statusCode()).isEqualTo(200);
		assertNoSessionCookie(first);
		assertUnauthorized(this.actuator.get("/actuator/websocket"));
	}

	@Test
	void webSocketHandshakeIsGovernedOnlyByTheGatewaysOwnChecks() throws IOException {
		String token = TestTokens.token("handshake-user");
		// 101 with only the gateway token: no Basic, no CSRF token, no cookie set
		try (RawWebSocket accepted = RawWebSocket.connect(this.port, "/ws", TestClient.bearer(token))) {
			assertThat(accepted.status()).isEqualTo(101);
			assertThat(accepted.headers().keySet()).noneMatch((name) -> name.equalsIgnoreCase("Set-Cookie"));
		}
		try (RawWebSocket viaQuery = RawWebSocket.connect(this.port, "/ws?access_token=" + token, Map.of())) {
			assertThat(viaQuery.status()).isEqualTo(101);
		}
		// refused by the gateway's token check, not by Spring Security: a Bearer challenge, no Basic one, no cookie
		try (RawWebSocket refused = RawWebSocket.connect(this.port, "/ws", Map.of())) {
			assertThat(refused.status()).isEqualTo(401);
			assertThat(refused.header("WWW-Authenticate")).startsWith("Bearer").doesNotContain("Basic");
			assertThat(refused.headers().keySet()).noneMatch((name) -> name.equalsIgnoreCase("Set-Cookie"));
		}
		// Basic credentials mean nothing to the gateway's endpoint
		try (RawWebSocket basicOnly = RawWebSocket.connect(this.port, "/ws",
				Map.of("Authorization", Actuator.BASIC))) {
			assertThat(basicOnly.status()).isEqualTo(401);
		}
		// a state-changing method on the endpoint is not stopped by CSRF protection (403) either
		HttpResponse<String> post = this.actuator.send("POST", "/ws", "Bearer " + token);
		assertThat(post.statusCode()).isNotEqualTo(403).isNotEqualTo(401);
		assertNoSessionCookie(post);
	}

	private static void assertUnauthorized(HttpResponse<String> response) {
		assertThat(response.statusCode()).as("%s %s", response.request().uri(), response.request().headers().map())
			.isEqualTo(401);
		assertNoSessionCookie(response);
	}

	private static void assertNoSessionCookie(HttpResponse<String> response) {
		assertThat(response.headers().allValues("Set-Cookie")).as("Set-Cookie of %s", response.request().uri())
			.isEmpty();
	}

}
