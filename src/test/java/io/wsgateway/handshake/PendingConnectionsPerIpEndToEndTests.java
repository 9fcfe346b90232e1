package io.wsgateway.handshake;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.testsupport.LogCapture;
import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cap on connections that have not completed a request, on a real server: the 17th
 * pending connection from one address is closed at once, and logged once a minute, while
 * another address still gets its health check and handshakes, and the pending ones are
 * served once they complete their request.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET, "gateway.admission.max-pending-per-ip=16" })
@ActiveProfiles("test")
@DirtiesContext
class PendingConnectionsPerIpEndToEndTests {

	private static final Duration WAIT = PendingConnectionsEndToEndTests.WAIT;

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Test
	void closesThe17thPendingConnectionOfAnAddressAtOnceWhileOtherAddressesAreServed() throws IOException {
		List<Socket> pending = new ArrayList<>();
		try (LogCapture log = LogCapture.capture(Level.WARN, PendingConnections.class.getName())) {
			for (int i = 0; i < 16; i++) {
				Socket socket = PendingConnectionsEndToEndTests.open("127.0.0.1", this.port);
				pending.add(socket);
				PendingConnectionsEndToEndTests.send(socket, "GET /ws HTTP/1.1\r\n");
			}
			// each pending socket is counted once the server has accepted it
			await().atMost(WAIT).until(() -> pendingCount() >= 16);
			double before = closed("per_ip");
			for (int refused = 0; refused < 2; refused++) {
				try (Socket seventeenth = PendingConnectionsEndToEndTests.open("127.0.0.1", this.port)) {
					PendingConnectionsEndToEndTests.send(seventeenth, "GET /actuator/health HTTP/1.1\r\nHost: gateway\r\n\r\n");
					assertThat(PendingConnectionsEndToEndTests.readOrEnd(seventeenth)).as("closed without an answer").isEqualTo(-1);
				}
			}
			assertThat(closed("per_ip")).isEqualTo(before + 2);
			assertThat(log.messages()).filteredOn((line) -> line.contains("127.0.0.1")).hasSize(1);

			assertThat(PendingConnectionsEndToEndTests.healthStatus("127.0.0.2", this.port)).isEqualTo(200);
			try (Socket socket = new Socket()) {
				socket.bind(new InetSocketAddress("127.0.0.2", 0));
				try (RawWebSocket other = RawWebSocket.connect(socket, this.port, "/ws",
						TestClient.bearer(TestTokens.token("other-address")))) {
					assertThat(other.status()).isEqualTo(101);
				}
			}
			for (Socket socket : pending) {
				PendingConnectionsEndToEndTests.send(socket, "Host: gateway\r\n\r\n");
			}
			for (Socket socket : pending) {
				assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1))
					.as("a completed request is no longer pending")
					.startsWith("HTTP/1.1 ");
			}
		}
		finally {
			for (Socket socket : pending) {
				socket.close();
			}
		}
	}

	private double closed(String reason) {
		return this.meters.get("gateway.connections.pending.closed").tag("reason", reason).counter().count();
	}

	private double pendingCount() {
		return this.meters.get("gateway.connections.pending").gauge().value();
	}

}
