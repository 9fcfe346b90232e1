package io.wsgateway.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsgateway.session.ClientSession;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.testsupport.HandshakeResult;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.annotation.DirtiesContext.ClassMode;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code websocket} contributor's other two signals, each from a fresh node (their
 * counts are kept for the whole window, 10 minutes here, so each test needs its own
 * context): the share of refused handshakes (from 4 handshakes on: 25% degraded, 50%
 * unhealthy) and slow-consumer closes (1 degraded, 2 unhealthy), with their reasons.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.health.window=10m", "gateway.health.min-handshakes=4",
				"gateway.health.degraded-rejection-rate=0.25", "gateway.health.unhealthy-rejection-rate=0.5",
				"gateway.health.degraded-overflows=1", "gateway.health.unhealthy-overflows=2",
				"gateway.websocket.send-buffer-limit=64KB", "gateway.websocket.send-time-limit=30s" })
@ActiveProfiles("test")
@DirtiesContext(classMode = ClassMode.AFTER_EACH_TEST_METHOD)
class HealthSignalsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	private Actuator actuator;

	@BeforeEach
	void setUp() {
		this.actuator = Actuator.at(this.port);
		// a first sample before any handshake: the window counts from here
		assertThat(this.actuator.level()).isEqualTo("healthy");
	}

	@Test
	void handshakeRejectionRateDegradesThenMakesUnhealthy() {
		for (int i = 0; i < 3; i++) {
			TestClient.connect(this.port, TestTokens.token("accepted-" + i)).close();
		}
		// 3 handshakes, none refused, and fewer than min-handshakes anyway
		assertThat(this.actuator.level()).isEqualTo("healthy");

		refuse(1);
		// 1 of 4 refused
		JsonNode health = this.actuator.websocketHealth();
		assertThat(health.path("details").path("level").asString()).isEqualTo("degraded");
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("details").path("handshakeRejectionRate").asDouble()).isEqualTo(0.25);
		assertThat(this.actuator.reasons()).containsExactly("25% of 4 handshakes refused in the last 600s");

		refuse(2);
		// 3 of 6 refused
		health = this.actuator.websocketHealth();
		assertThat(health.path("details").path("level").asString()).isEqualTo("unhealthy");
		assertThat(health.path("status").asString()).isEqualTo("DOWN");
		assertThat(health.path("details").path("handshakeRejectionRate").asDouble()).isEqualTo(0.5);
		assertThat(this.actuator.reasons()).containsExactly("50% of 6 handshakes refused in the last 600s");
		assertThat(this.actuator.get("/actuator/health").statusCode()).isEqualTo(503);

		assertThat(history()).containsExactly("healthy->degraded", "degraded->unhealthy");
		JsonNode rejected = this.actuator.websocketEndpoint().path("handshakes");
		assertThat(rejected.path("accepted").asInt()).isEqualTo(3);
		assertThat(rejected.path("rejected").path("unauthorized").asInt()).isEqualTo(3);
	}

	@Test
	void slowConsumerClosesDegradeThenMakeUnhealthy() {
		overflow("slow-1");
		JsonNode health = this.actuator.websocketHealth();
		assertThat(health.path("details").path("level").asString()).isEqualTo("degraded");
		assertThat(health.path("details").path("overflows").asInt()).isEqualTo(1);
		assertThat(this.actuator.reasons()).containsExactly("1 slow-consumer close(s) in the last 600s");

		overflow("slow-2");
		health = this.actuator.websocketHealth();
		assertThat(health.path("details").path("level").asString()).isEqualTo("unhealthy");
		assertThat(health.path("status").asString()).isEqualTo("DOWN");
		assertThat(health.path("details").path("overflows").asInt()).isEqualTo(2);
		assertThat(this.actuator.reasons()).containsExactly("2 slow-consumer close(s) in the last 600s");

		assertThat(history()).containsExactly("healthy->degraded", "degraded->unhealthy");
		Prometheus scrape = this.actuator.prometheus();
		assertThat(scrape.value("gateway_send_overflows_total")).isEqualTo(2);
		await().atMost(WAIT).until(() -> this.actuator.prometheus().samples("gateway_closes_total").size() == 1);
		assertThat(this.actuator.prometheus().value("gateway_closes_total", "code", "4010")).isEqualTo(2);
		assertThat(this.actuator.websocketEndpoint().path("closes").path("4010").asInt()).isEqualTo(2);
	}

	private void refuse(int count) {
		for (int i = 0; i < count; i++) {
			HandshakeResult refused = TestClient.handshake(TestClient.uri(this.port),
					TestClient.bearer(TestTokens.forUser("refused").signedWith(TestTokens.hmacKey("x".repeat(40))).build()));
			assertThat(refused.status()).isEqualTo(401);
		}
	}

	/** A client that stops reading while the server keeps queueing for it, until it is closed as a slow consumer. */
	private void overflow(String user) {
		try (TestClient client = TestClient.connect(this.port, TestTokens.token(user))) {
			ClientSession session = await().atMost(WAIT)
				.until(() -> this.registry.get(client.connectionId()), (found) -> found != null);
			client.pauseReading();
			OutboundFrame filler = OutboundFrame.of("{\"type\":\"filler\",\"payload\":\"" + "x".repeat(8_000) + "\"}",
					"filler");
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (session.send(filler) && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(session.requestedCloseStatus()).isNotNull();
			assertThat(session.requestedCloseStatus().getCode()).isEqualTo(4010);
			client.resumeReading();
			await().atMost(WAIT).until(() -> this.registry.get(client.connectionId()) == null);
		}
	}

	private List<String> history() {
		List<String> changes = new ArrayList<>();
		for (JsonNode change : this.actuator.websocketEndpoint().path("health").path("history")) {
			changes.add(change.path("from").asString() + "->" + change.path("to").asString());
		}
		return changes;
	}

}
