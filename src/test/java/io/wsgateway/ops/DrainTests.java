package io.wsgateway.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.GatewayApplication;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real drain, by closing the application: while it lasts, readiness is OUT_OF_SERVICE
 * (503) and liveness stays UP, every open client gets 1001, and new handshakes get 503
 * with {@code Retry-After} (outcome {@code draining}). A client that stopped reading, with
 * frames stuck in front of its close, keeps the drain going long enough to look at it;
 * once it goes, shutdown finishes.
 * Its own application, since a drain cannot be undone.
 */
class DrainTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private ConfigurableApplicationContext app;

	private final List<AutoCloseable> clients = new ArrayList<>();

	@AfterEach
	void stop() throws Exception {
		for (AutoCloseable client : this.clients) {
			client.close();
		}
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void drainTakesTheNodeOutOfReadinessClosesClientsWith1001AndRefusesHandshakes() throws Exception {
		// arguments, not default properties: application.yml would override those
		this.app = new SpringApplicationBuilder(GatewayApplication.class).profiles("test")
			.run("--server.port=0", "--gateway.node-id=drain-node",
					// the drain waits up to half of the phase timeout for the last client, and a
					// stuck write is only given up after send-time-limit: both far above what the
					// test needs, with a send buffer that never overflows here
					"--spring.lifecycle.timeout-per-shutdown-phase=60s", "--gateway.websocket.send-time-limit=60s",
					"--gateway.websocket.send-buffer-limit=64MB");
		int port = ((WebServerApplicationContext) this.app).getWebServer().getPort();
		Actuator actuator = Actuator.at(port);
		SessionRegistry registry = this.app.getBean(SessionRegistry.class);
		MeterRegistry meters = this.app.getBean(MeterRegistry.class);

		TestClient alice = TestClient.connect(port, TestTokens.token("alice"));
		this.clients.add(alice);
		TestClient bob = TestClient.connect(port, TestTokens.token("bob"));
		this.clients.add(bob);
		// A client that never reads, with frames queued for it behind a full socket: its 1001
		// waits behind them, so the drain waits for it.
		RawWebSocket stalled = RawWebSocket.connect(port, "/ws", TestClient.bearer(TestTokens.token("stalled")));
		this.clients.add(0, stalled);
		assertThat(stalled.status()).isEqualTo(101);
		await().atMost(WAIT).until(() -> registry.size() == 3);
		ClientSession stalledSession = registry.all()
			.stream()
			.filter((session) -> session.userId().equals("stalled"))
			.findFirst()
			.orElseThrow();
		OutboundFrame filler = OutboundFrame.of("{\"type\":\"filler\",\"payload\":\"" + "x".repeat(8_000) + "\"}",
				"filler");
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (stalledSession.queuedBytes() < 1024 * 1024 && System.nanoTime() < deadline) {
			assertThat(stalledSession.send(filler)).isTrue();
		}
		assertThat(stalledSession.queuedBytes()).as("bytes queued behind the stalled socket")
			.isGreaterThanOrEqualTo(1024 * 1024);
		assertThat(actuator.readinessStatus()).isEqualTo(200);

		ConfigurableApplicationContext closing = this.app;
		Thread shutdown = new Thread(closing::close, "drain-test-shutdown");
		shutdown.start();
		try {
			assertThat(alice.awaitClose(WAIT)).isEqualTo(1001);
			assertThat(bob.awaitClose(WAIT)).isEqualTo(1001);
			assertThat(alice.closeReason()).isEqualTo("node shutting down");
			assertThat(registry.isDraining()).isTrue();
			// a client may see its close frame a moment before the server has unregistered it
			await("only the stalled client left").atMost(WAIT).until(() -> registry.size() == 1);
			assertThat(shutdown.isAlive()).as("shutdown waits for the stalled client").isTrue();

			assertThat(actuator.readinessStatus()).isEqualTo(503);
			JsonNode readiness = actuator.json("/actuator/health/readiness");
			assertThat(readiness.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
			assertThat(readiness.path("components").path("readinessState").path("status").asString())
				.isEqualTo("OUT_OF_SERVICE");
			assertThat(actuator.get("/actuator/health/liveness").statusCode()).isEqualTo(200);

			try (RawWebSocket refused = RawWebSocket.connect(port, "/ws",
					TestClient.bearer(TestTokens.token("carol")))) {
				assertThat(refused.status()).isEqualTo(503);
				assertThat(refused.header("Retry-After")).isEqualTo("5");
			}
			// (Spring Boot closes the meter registries when the context starts closing, so only meters
			// that exist already, such as every handshake outcome, still count during the drain)
			assertThat(meters.get("gateway.handshakes").tag("outcome", "draining").counter().count()).isEqualTo(1);
		}
		finally {
			// the last client goes: the drain ends and shutdown carries on
			stalled.close();
		}
		shutdown.join(TimeUnit.SECONDS.toMillis(40));
		assertThat(shutdown.isAlive()).as("shutdown finished once the last client went").isFalse();
		assertThat(closing.isActive()).isFalse();
		this.app = null;
	}

}
