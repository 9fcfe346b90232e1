package io.wsgateway.upstream;


import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.testsupport.HandshakeFailure;
import io.wsgateway.testsupport.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static io.wsgateway.upstream.UpstreamFixtures.D;
import static io.wsgateway.upstream.UpstreamFixtures.E;
import static io.wsgateway.upstream.UpstreamFixtures.F;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health and circuit breaking with real upstream servers that stop and come back:
 * failover of a sticky client, recovery through active checks, 502 without a healthy
 * target, and the circuit breaker opening (503 with {@code Retry-After}), half-opening,
 * re-opening and closing.
 */
class UpstreamHealthEndToEndTests extends UpstreamEndToEndTest {

	@Autowired
	MeterRegistry meters;

	@BeforeEach
	@AfterEach
	void everyServerRunsAndIsHealthy() {
		for (UpstreamServer server : new UpstreamServer[] { D, E, F }) {
			server.restart();
		}
		await().until(() -> target("failover", "d").healthy() && target("failover", "e").healthy());
	}

	@Test
	void stickyClientFailsOverWhenItsTargetStopsAndComesBackWhenItRecovers() {
		String user = userOn("d");
		TestClient onD = open("/up/failover", user);
		assertThat(server(onD)).isEqualTo("d");

		D.stop();
		// Jetty stops without closing handshakes: the upstream connection is lost, 1014
		assertThat(onD.awaitClose()).isEqualTo(1014);
		try (TestClient reconnected = open("/up/failover", user)) {
			assertThat(server(reconnected)).isEqualTo("e");
		}
		await().until(() -> !target("failover", "d").healthy());
		assertThat(healthGauge("d")).isEqualTo(0);
		assertThat(this.registry.snapshot()).filteredOn((route) -> route.id().equals("failover"))
			.singleElement()
			.satisfies((route) -> assertThat(route.targets()).filteredOn((target) -> target.name().equals("d"))
				.singleElement()
				.satisfies((target) -> {
					assertThat(target.healthy()).isFalse();
					assertThat(target.lastError()).isNotBlank();
				}));
		try (TestClient whileDown = open("/up/failover", user)) {
			assertThat(server(whileDown)).isEqualTo("e");
		}

		D.restart();
		int checks = D.healthChecks();
		await().until(() -> target("failover", "d").healthy());
		assertThat(D.healthChecks()).as("active checks brought it back").isGreaterThan(checks);
		assertThat(healthGauge("d")).isEqualTo(1);
		try (TestClient back = open("/up/failover", user)) {
			assertThat(server(back)).as("the hash ring sends the user home").isEqualTo("d");
		}
	}

	@Test
	void answers502WhenNoTargetIsHealthy() {
		D.stop();
		E.stop();
		await().until(() -> !target("failover", "d").healthy() && !target("failover", "e").healthy());
		HandshakeFailure refused = refusal("/up/failover", "nobody-home");
		assertThat(refused.status()).isEqualTo(502);
		assertThat(refused.header("Retry-After")).isNull();
	}

	@Test
	void answers502WhenTheTargetRefusesConnections() {
		HandshakeFailure refused = refusal("/up/dead", "dead-user");
		assertThat(refused.status()).isEqualTo(502);
		assertThat(this.meters.get("gateway.upstream.connect.failures").tag("route", "dead").counter().count())
			.isPositive();
		assertThat(this.meters.get("gateway.upstream.handshakes").tag("route", "dead").tag("outcome", "bad_gateway")
			.counter()
			.count()).isPositive();
	}

	@Test
	void answers502WhenTheTargetNeverAnswersItsHandshake() {
		assertThat(refusal("/up/silent", "silent-user").status()).isEqualTo(502);
		assertThat(target("silent", "silent").snapshot().lastError()).isEqualTo("timed out");
	}

	@Test
	void passesOnTheTargetsOwnRefusal() {
		assertThat(refusal("/up/reject", "rejected-user").status()).isEqualTo(403);
		assertThat(target("reject", "h").circuit().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void circuitOpensHalfOpensReopensAndCloses() {
		UpstreamTarget f = target("circuit", "f");
		f.circuit().reset();
		F.stop();

		// the second failed attempt fills the window at 100% failures: the circuit opens, and
		// the handshake that opened it already gets the 503
		assertThat(refusal("/up/circuit", "circuit-user").status()).isEqualTo(502);
		assertThat(f.circuit().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		HandshakeFailure opening = refusal("/up/circuit", "circuit-user");
		assertThat(opening.status()).isEqualTo(503);
		assertThat(f.circuit().getState()).isEqualTo(CircuitBreaker.State.OPEN);
		HandshakeFailure open = refusal("/up/circuit", "circuit-user");
		assertThat(open.status()).isEqualTo(503);
		assertThat(open.header("Retry-After")).isEqualTo("1");
		assertThat(circuitGauge()).isEqualTo(2);

		// half-open: two trial attempts; both fail, and the circuit opens again
		await().until(() -> f.untilHalfOpen().isZero());
		assertThat(refusal("/up/circuit", "circuit-user").status()).isEqualTo(502);
		assertThat(f.circuit().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThat(circuitGauge()).isEqualTo(1);
		assertThat(refusal("/up/circuit", "circuit-user").status()).isEqualTo(503);
		assertThat(f.circuit().getState()).isEqualTo(CircuitBreaker.State.OPEN);

		// the target is back: two successful trials close the circuit
		F.restart();
		await().until(() -> f.untilHalfOpen().isZero());
		try (TestClient first = open("/up/circuit", "circuit-user")) {
			assertThat(server(first)).isEqualTo("f");
		}
		assertThat(f.circuit().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		try (TestClient second = open("/up/circuit", "circuit-user")) {
			assertThat(server(second)).isEqualTo("f");
		}
		assertThat(f.circuit().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(circuitGauge()).isEqualTo(0);
	}

	// A user whom the failover route's hash ring puts on the given server.
	private String userOn(String server) {
		for (int i = 0; i < 50; i++) {
			String user = "failover-user-" + i;
			try (TestClient client = open("/up/failover", user)) {
				if (server(client).equals(server)) {
					return user;
				}
			}
		}
		throw new AssertionError("no user hashed to " + server);
	}

	private double healthGauge(String target) {
		return this.meters.get("gateway.upstream.target.healthy").tag("route", "failover").tag("target", target).gauge().value();
	}

	private double circuitGauge() {
		return this.meters.get("gateway.upstream.circuit.state").tag("route", "circuit").tag("target", "f").gauge().value();
	}

}
