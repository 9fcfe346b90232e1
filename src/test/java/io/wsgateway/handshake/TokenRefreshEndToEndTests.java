package io.wsgateway.handshake;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import oidcprovider.OpenIdProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The token lifecycle of a real gateway whose keys come from a real OpenID provider
 * (Spring Authorization Server, found through discovery): {@code expiresAt} in
 * {@code connected}, {@code refresh} keeping a connection open across several token
 * lifetimes without losing a room message, the refusals of {@code refresh}, the clan
 * unsubscribe push, and the same keys on the server API's and Actuator's bearer path.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=", "gateway.security.jwt.clock-skew=1s",
				"gateway.security.jwt.jwks-refresh-min=1s" })
@ActiveProfiles("test")
class TokenRefreshEndToEndTests {

	private static final OpenIdProvider provider = OpenIdProvider.start();

	private static final String SHORT = OpenIdProvider.SHORT_LIVED;

	private static final String LONG = OpenIdProvider.LONG_LIVED;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void issuer(DynamicPropertyRegistry registry) {
		registry.add("gateway.security.jwt.issuer-uri", provider::issuer);
	}

	@AfterAll
	static void stopProvider() {
		provider.close();
	}

	private TestClient connect(String token) {
		return TestClient.connect(this.port, token);
	}

	private static JsonNode refresh(TestClient client, String token) {
		return client.request(Map.of("type", "refresh", "token", token));
	}

	@Test
	void keepsAConnectionOpenForThreeTokenLifetimesWithoutMissingARoomMessage() {
		try (TestClient alice = connect(provider.userToken(SHORT, "alice", List.of(), List.of()));
				TestClient bob = connect(provider.userToken(LONG, "bob", List.of(), List.of()))) {
			Instant firstExpiry = Instant.parse(alice.connected().get("expiresAt").asString());
			assertThat(alice.request("{\"type\":\"join_room\",\"room\":\"refresh-lobby\"}").get("type").asString())
				.isEqualTo("room_joined");
			bob.request("{\"type\":\"join_room\",\"room\":\"refresh-lobby\"}");
			Instant expiry = firstExpiry;
			Instant end = firstExpiry.plus(OpenIdProvider.SHORT_TTL.multipliedBy(2)).plusSeconds(2);
			List<Instant> expiries = new ArrayList<>(List.of(firstExpiry));
			int sent = 0;
			while (Instant.now().isBefore(end)) {
				bob.request("{\"type\":\"broadcast\",\"room\":\"refresh-lobby\",\"payload\":" + sent + "}");
				sent++;
				if (Instant.now().isAfter(expiry.minusMillis(2500))) {
					JsonNode refreshed = refresh(alice, provider.userToken(SHORT, "alice", List.of(), List.of()));
					assertThat(refreshed.get("type").asString()).isEqualTo("refreshed");
					expiry = Instant.parse(refreshed.get("expiresAt").asString());
					expiries.add(expiry);
				}
				await().pollDelay(Duration.ofMillis(200)).until(() -> true);
			}
			assertThat(Instant.now()).isAfter(firstExpiry.plus(OpenIdProvider.SHORT_TTL.multipliedBy(2)));
			assertThat(expiries).hasSizeGreaterThanOrEqualTo(3).isSorted();
			List<Integer> received = alice.take(sent, TestClient.TIMEOUT)
				.stream()
				.filter((message) -> message.get("type").asString().equals("room_message"))
				.map((message) -> message.get("payload").asInt())
				.toList();
			assertThat(received).hasSize(sent);
			for (int i = 0; i < sent; i++) {
				assertThat(received.get(i)).isEqualTo(i);
			}
			assertThat(alice.isClosed()).isFalse();
			assertThat(alice.request("{\"type\":\"ping\"}").get("type").asString()).isEqualTo("pong");
		}
	}

	@Test
	void refusesAnotherUsersGarbageAndExpiredTokensAndKeepsTheConnectionUntilItsTokenExpires() {
		String carolSoon = provider.userToken(SHORT, "carol", List.of(), List.of());
		try (TestClient alice = connect(provider.userToken(SHORT, "alice", List.of(), List.of()));
				TestClient carol = connect(provider.userToken(LONG, "carol", List.of(), List.of()))) {
			alice.connected();
			JsonNode forbidden = refresh(alice, provider.userToken(LONG, "bob", List.of("admin"), List.of()));
			assertThat(forbidden.get("code").asString()).isEqualTo("forbidden");
			JsonNode garbage = refresh(alice, "not-a-token");
			assertThat(garbage.get("code").asString()).isEqualTo("invalid_token");
			assertThat(garbage.toString()).doesNotContain("not-a-token");
			JsonNode hmac = refresh(alice, TestTokens.token("alice"));
			assertThat(hmac.get("code").asString()).isEqualTo("invalid_token");
			JsonNode missing = alice.request("{\"type\":\"refresh\"}");
			assertThat(missing.get("code").asString()).isEqualTo("invalid_message");
			assertThat(alice.request("{\"type\":\"ping\"}").get("type").asString()).isEqualTo("pong");
			// still the first token: the connection ends when that one expires
			assertThat(alice.awaitClose(OpenIdProvider.SHORT_TTL.plusSeconds(10))).isEqualTo(1008);

			JwtTokenVerifier skewOneSecond = TestVerifiers.verifier("jwt.issuer-uri", provider.issuer(),
					"jwt.clock-skew", "1s");
			await().atMost(Duration.ofSeconds(15)).until(() -> {
				try {
					skewOneSecond.verify(carolSoon);
					return false;
				}
				catch (InvalidTokenException ex) {
					return true;
				}
			});
			JsonNode expired = refresh(carol, carolSoon);
			assertThat(expired.get("code").asString()).isEqualTo("invalid_token");
			assertThat(carol.request("{\"type\":\"ping\"}").get("type").asString()).isEqualTo("pong");
		}
	}

	@Test
	void endsTheClanSubscriptionsTheNewTokenNoLongerAllows() {
		try (TestClient dave = connect(provider.userToken(LONG, "dave", List.of(), List.of("c1", "c2")))) {
			dave.connected();
			dave.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"c1\"}");
			dave.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"c2\"}");
			JsonNode refreshed = dave.request(Map.of("type", "refresh", "id", "r1", "token",
					provider.userToken(LONG, "dave", List.of(), List.of("c2", "c3"))));
			assertThat(refreshed.get("type").asString()).isEqualTo("refreshed");
			JsonNode pushed = dave.next("subscription_confirmed");
			assertThat(pushed.get("clanId").asString()).isEqualTo("c1");
			assertThat(pushed.get("status").asString()).isEqualTo("unsubscribed");
			assertThat(pushed.has("id")).isFalse();
			JsonNode status = dave.request("{\"type\":\"status\"}");
			assertThat(status.get("subscriptions").toString()).contains("clan_chat:c2").doesNotContain("clan_chat:c1");
			assertThat(dave.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"c1\"}").get("code").asString())
				.isEqualTo("forbidden");
			assertThat(dave.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"c3\"}").get("status").asString())
				.isEqualTo("subscribed");
		}
	}

	@Test
	void refusesHandshakesWithUnknownKeysOrAnotherIssuerAndTellsWhyOnlyInHealth() throws Exception {
		assertThat(TestClient.handshake(TestClient.uri(this.port, TestTokens.token("alice")), Map.of()).status())
			.isEqualTo(401);
		String admin = provider.userToken(LONG, "ops", List.of("admin"), List.of());
		HttpResponse<String> health = get("/actuator/health", admin);
		assertThat(health.statusCode()).isEqualTo(200);
		JsonNode jwt = TestClient.json().readTree(health.body()).path("components").path("jwt");
		assertThat(jwt.path("status").asString()).isEqualTo("UP");
		assertThat(jwt.path("details").path("source").asString()).isEqualTo("issuer-uri");
		assertThat(jwt.path("details").path("keyIds").toString()).contains(provider.currentKid());
	}

	@Test
	void acceptsTheProvidersTokensOnTheServerApi() throws Exception {
		String service = provider.userToken(LONG, "billing", List.of("service"), List.of());
		String user = provider.userToken(LONG, "alice", List.of(), List.of());
		String body = "{\"title\":\"hi\"}";
		assertThat(post("/api/v1/users/alice/messages", service, body).statusCode()).isEqualTo(202);
		assertThat(post("/api/v1/users/alice/messages", user, body).statusCode()).isEqualTo(403);
		assertThat(post("/api/v1/users/alice/messages", TestTokens.token("billing", List.of("service"), List.of()), body)
			.statusCode()).isEqualTo(401);
	}

	private HttpResponse<String> get(String path, String token) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.header("Authorization", "Bearer " + token)
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String token, String body) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

}
