package io.wsgateway.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.wsgateway.testsupport.HandshakeResult;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health as connection load rises and falls on a node with four slots: the
 * {@code websocket} contributor goes healthy, degraded (2 of 4), unhealthy (3 of 4, DOWN)
 * and critical (4 of 4) and back, with its reasons and a bounded history of the changes in
 * {@code /actuator/websocket}; readiness goes OUT_OF_SERVICE (503) while every slot is
 * taken and while the application refuses traffic, and UP again afterwards. Handshake
 * refusals and overflows stay out of the picture here ({@code min-handshakes} is high);
 * {@link HealthSignalsTests} covers them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.admission.max-connections=4", "gateway.health.degraded-load=0.5",
				"gateway.health.unhealthy-load=0.75", "gateway.health.critical-load=1.0",
				"gateway.health.min-handshakes=1000", "gateway.health.window=10m", "gateway.health.history-size=5" })
@ActiveProfiles("test")
@DirtiesContext
class HealthTransitionsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	private Actuator actuator;

	private final List<TestClient> clients = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.actuator = Actuator.at(this.port);
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
		await().atMost(WAIT).until(() -> this.actuator.level().equals("healthy"));
	}

	@Test
	void websocketLevelFollowsConnectionLoadUpAndDownAndReadinessFollowsCapacity() {
		assertLevel("healthy", "UP", List.of());
		assertThat(this.actuator.readinessStatus()).isEqualTo(200);

		connect("load-1");
		assertLevel("healthy", "UP", List.of());

		connect("load-2");
		assertLevel("degraded", "UP", List.of("connection load 50% of 4"));
		assertThat(this.actuator.get("/actuator/health").statusCode()).isEqualTo(200);

		connect("load-3");
		assertLevel("unhealthy", "DOWN", List.of("connection load 75% of 4"));
		// DOWN in the overall health, not in readiness: load alone does not take the node out yet
		assertThat(this.actuator.get("/actuator/health").statusCode()).isEqualTo(503);
		assertThat(this.actuator.readinessStatus()).isEqualTo(200);

		connect("load-4");
		assertLevel("critical", "DOWN", List.of("connection load 100% of 4"));
		JsonNode readiness = this.actuator.json("/actuator/health/readiness");
		assertThat(this.actuator.readinessStatus()).isEqualTo(503);
		assertThat(readiness.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
		assertThat(readiness.path("components").path("capacity").path("status").asString())
			.isEqualTo("OUT_OF_SERVICE");
		assertThat(readiness.path("components").path("capacity").path("details").path("connections").asInt())
			.isEqualTo(4);
		assertThat(readiness.path("components").path("readinessState").path("status").asString()).isEqualTo("UP");
		// liveness is not affected by load
		assertThat(this.actuator.get("/actuator/health/liveness").statusCode()).isEqualTo(200);

		HandshakeResult fifth = TestClient.handshake(TestClient.uri(this.port),
				TestClient.bearer(TestTokens.token("load-5")));
		assertThat(fifth.status()).isEqualTo(503);

		closeLast();
		await().atMost(WAIT).until(() -> this.actuator.readinessStatus() == 200);
		assertLevel("unhealthy", "DOWN", List.of("connection load 75% of 4"));
		assertThat(this.actuator.json("/actuator/health/readiness").path("status").asString()).isEqualTo("UP");

		closeLast();
		awaitLevel("degraded");
		closeLast();
		awaitLevel("healthy");
		assertThat(this.actuator.reasons()).isEmpty();

		// six changes, the last five kept (history-size=5), oldest first, with timestamps and reasons
		JsonNode history = this.actuator.websocketEndpoint().path("health").path("history");
		List<String> changes = new ArrayList<>();
		Instant previous = Instant.EPOCH;
		for (JsonNode change : history) {
			changes.add(change.path("from").asString() + "->" + change.path("to").asString());
			Instant at = Instant.parse(change.path("at").asString());
			assertThat(at).isAfterOrEqualTo(previous);
			previous = at;
		}
		assertThat(changes).containsExactly("degraded->unhealthy", "unhealthy->critical", "critical->unhealthy",
				"unhealthy->degraded", "degraded->healthy");
		assertThat(Actuator.strings(history.get(1).path("reasons"))).containsExactly("connection load 100% of 4");
		assertThat(Actuator.strings(history.get(4).path("reasons"))).isEmpty();
		assertThat(this.actuator.websocketEndpoint().path("health").path("level").asString()).isEqualTo("healthy");
	}

	@Test
	void readinessIsOutOfServiceWhileTheApplicationRefusesTraffic() {
		assertThat(this.actuator.readinessStatus()).isEqualTo(200);

		// what SessionDrainer (and Spring Boot itself) publish when the node starts shutting down
		AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		try {
			assertThat(this.actuator.readinessStatus()).isEqualTo(503);
			JsonNode readiness = this.actuator.json("/actuator/health/readiness");
			assertThat(readiness.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
			assertThat(readiness.path("components").path("readinessState").path("status").asString())
				.isEqualTo("OUT_OF_SERVICE");
			assertThat(readiness.path("components").path("capacity").path("status").asString()).isEqualTo("UP");
			assertThat(this.actuator.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		}
		finally {
			AvailabilityChangeEvent.publish(this.context, ReadinessState.ACCEPTING_TRAFFIC);
		}
		assertThat(this.actuator.readinessStatus()).isEqualTo(200);
	}

	private void connect(String user) {
		this.clients.add(TestClient.connect(this.port, TestTokens.token(user)));
	}

	private void closeLast() {
		this.clients.remove(this.clients.size() - 1).close();
	}

	private void assertLevel(String level, String status, List<String> reasons) {
		JsonNode health = this.actuator.websocketHealth();
		assertThat(health.path("details").path("level").asString()).as("level in %s", health).isEqualTo(level);
		assertThat(health.path("status").asString()).as("status in %s", health).isEqualTo(status);
		assertThat(Actuator.strings(health.path("details").path("reasons"))).as("reasons in %s", health)
			.containsExactlyElementsOf(reasons);
		assertThat(health.path("details").path("connections").asInt()).isEqualTo(this.clients.size());
		assertThat(health.path("details").path("maxConnections").asInt()).isEqualTo(4);
	}

	private void awaitLevel(String level) {
		await().atMost(WAIT).until(() -> this.actuator.level().equals(level));
	}

}
