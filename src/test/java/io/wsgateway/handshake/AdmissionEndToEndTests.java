package io.wsgateway.handshake;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.testsupport.HandshakeResult;
import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The 429 and 503 rows of the handshake table on a real server, with {@code Retry-After}
 * read off the wire. The local peer is a trusted proxy, so each test speaks for its own
 * client IPs through {@code X-Forwarded-For} and the per-IP limits of one test never
 * touch another's. Limits: 4 handshakes a minute and 2 open connections per IP, 4 per node.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.admission.handshakes-per-minute-per-ip=4", "gateway.admission.max-connections-per-ip=2",
				"gateway.admission.max-connections=4", "gateway.admission.trusted-proxies=127.0.0.1/32",
				"gateway.admission.retry-after=7s" })
@ActiveProfiles("test")
class AdmissionEndToEndTests {

	@LocalServerPort
	int port;

	@Autowired
	ConnectionSlots slots;

	@Autowired
	SessionRegistry registry;

	@Autowired
	MeterRegistry meters;

	private final List<TestClient> open = new ArrayList<>();

	@BeforeEach
	@AfterEach
	void closeEverything() {
		this.open.forEach(TestClient::close);
		this.open.clear();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.slots.taken() == 0 && this.registry.size() == 0);
	}

	@Test
	void refusesHandshakesOverTheRatePerIpWith429AndRetryAfter() throws IOException {
		double before = handshakes("rate_limited");
		for (int i = 0; i < 4; i++) {
			connectFrom("198.51.100.1").close();
			// one at a time, so that only the rate and never the per-IP connection limit applies
			await().atMost(Duration.ofSeconds(10)).until(() -> this.slots.taken() == 0);
		}
		try (RawWebSocket refused = RawWebSocket.connect(this.port, "/ws", headers("198.51.100.1"))) {
			assertThat(refused.status()).isEqualTo(429);
			// a token every 15 s: the header says when the next one is there, in whole seconds
			assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 15L);
		}
		assertThat(handshakes("rate_limited")).isEqualTo(before + 1);
		connectFrom("198.51.100.99").close();
	}

	@Test
	void refusesConnectionsOverThePerIpLimitWith429AndRetryAfter() {
		double before = handshakes("ip_limit");
		connectFrom("198.51.100.2");
		connectFrom("198.51.100.2");
		HandshakeResult third = TestClient.handshake(TestClient.uri(this.port), headers("198.51.100.2"));
		assertThat(third.status()).isEqualTo(429);
		assertThat(third.header("Retry-After")).isEqualTo("7");
		assertThat(handshakes("ip_limit")).isEqualTo(before + 1);
		// another IP is not limited by this one
		connectFrom("198.51.100.3");
		// a closed connection gives its slot back
		this.open.remove(0).close();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.slots.taken() == 2);
		connectFrom("198.51.100.2");
	}

	@Test
	void refusesHandshakesAtNodeCapacityWith503AndRetryAfter() throws IOException {
		double before = handshakes("at_capacity");
		connectFrom("198.51.100.4");
		connectFrom("198.51.100.4");
		connectFrom("198.51.100.5");
		connectFrom("198.51.100.5");
		try (RawWebSocket refused = RawWebSocket.connect(this.port, "/ws", headers("198.51.100.6"))) {
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.header("Retry-After")).isEqualTo("7");
		}
		assertThat(handshakes("at_capacity")).isEqualTo(before + 1);
		this.open.remove(0).close();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.slots.taken() == 3);
		connectFrom("198.51.100.6");
	}

	@Test
	void refusedHandshakesCreateNoSession() {
		connectFrom("198.51.100.7");
		connectFrom("198.51.100.7");
		for (int i = 0; i < 2; i++) {
			assertThat(TestClient.handshake(TestClient.uri(this.port), headers("198.51.100.7")).status()).isEqualTo(429);
		}
		assertThat(this.registry.size()).isEqualTo(2);
		assertThat(this.slots.taken()).isEqualTo(2);
	}

	private TestClient connectFrom(String ip) {
		TestClient client = TestClient.connect(TestClient.uri(this.port), headers(ip));
		this.open.add(client);
		return client;
	}

	private static Map<String, String> headers(String ip) {
		Map<String, String> headers = new HashMap<>(TestClient.bearer(TestTokens.token("user-" + ip)));
		headers.put("X-Forwarded-For", ip);
		return headers;
	}

	private double handshakes(String outcome) {
		return this.meters.get("gateway.handshakes").tag("outcome", outcome).counter().count();
	}

}
