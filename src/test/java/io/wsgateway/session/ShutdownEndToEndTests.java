package io.wsgateway.session;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.GatewayApplication;
import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Draining and graceful shutdown on a real server: open connections get 1001, new
 * handshakes get 503 with {@code Retry-After}, and closing the application finishes well
 * within {@code spring.lifecycle.timeout-per-shutdown-phase}. Each test starts its own
 * application, since draining cannot be undone.
 */
class ShutdownEndToEndTests {

	private ConfigurableApplicationContext app;

	private final List<TestClient> clients = new ArrayList<>();

	@AfterEach
	void stop() {
		this.clients.forEach(TestClient::close);
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void drainClosesOpenConnectionsWith1001AndRefusesNewHandshakesWith503() throws IOException {
		int port = start();
		TestClient alice = connect(port, "alice");
		TestClient bob = connect(port, "bob");
		SessionRegistry registry = this.app.getBean(SessionRegistry.class);
		TestSessions.awaitRegistered(registry, bob.connectionId());

		registry.drain();

		assertThat(alice.awaitClose()).isEqualTo(1001);
		assertThat(bob.awaitClose()).isEqualTo(1001);
		assertThat(alice.closeReason()).isEqualTo("node shutting down");
		try (RawWebSocket refused = RawWebSocket.connect(port, "/ws",
				TestClient.bearer(TestTokens.token("carol")))) {
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.header("Retry-After")).isEqualTo("5");
		}
		MeterRegistry meters = this.app.getBean(MeterRegistry.class);
		assertThat(meters.get("gateway.handshakes").tag("outcome", "draining").counter().count()).isEqualTo(1);
	}

	@Test
	void shutdownClosesEveryConnectionWith1001WellWithinTheShutdownPhaseTimeout() {
		int port = start();
		for (int i = 0; i < 5; i++) {
			connect(port, "user-" + i);
		}
		long started = System.nanoTime();
		this.app.close();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		this.app = null;

		for (TestClient client : this.clients) {
			assertThat(client.awaitClose()).isEqualTo(1001);
		}
		// the phase timeout is 20 s; the drain may use at most half of it
		assertThat(took).isLessThan(Duration.ofSeconds(10));
	}

	private int start() {
		this.app = new SpringApplicationBuilder(GatewayApplication.class).profiles("test")
			// Arguments, not default properties: application.yml would win over those.
			.run("--server.port=0", "--gateway.security.jwt.secret=" + TestTokens.SECRET,
					"--spring.lifecycle.timeout-per-shutdown-phase=20s");
		return this.app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	private TestClient connect(int port, String user) {
		TestClient client = TestClient.connect(port, TestTokens.token(user));
		this.clients.add(client);
		return client;
	}

}
