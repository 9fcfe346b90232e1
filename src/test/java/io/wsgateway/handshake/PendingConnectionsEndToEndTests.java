package io.wsgateway.handshake;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The deadline on connections that have not completed a request, on a real server with
 * Actuator on a management port of its own: a request whose headers dribble in is closed
 * after {@code handshake-timeout} on either port, however steadily it sends.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET, "gateway.admission.handshake-timeout=1s",
				"management.server.port=0" })
@ActiveProfiles("test")
@DirtiesContext
class PendingConnectionsEndToEndTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	MeterRegistry meters;

	@Test
	void closesARequestWhoseHeadersDribbleInAfterTheHandshakeTimeout() throws IOException {
		double before = closed("timeout");
		assertThat(dribbleUntilClosed(this.port, "GET /ws HTTP/1.1\r\nHost: gateway\r\nUpgrade: websocket\r\n"))
			.as("closed by the gateway while still sending")
			.isTrue();
		assertThat(dribbleUntilClosed(this.managementPort, "GET /actuator/health HTTP/1.1\r\nHost: gateway\r\n"))
			.as("the management port too")
			.isTrue();
		assertThat(closed("timeout")).isGreaterThanOrEqualTo(before + 2);
	}

	// Sends one byte every 100 ms until the server closes the connection or WAIT has passed.
	static boolean dribbleUntilClosed(int port, String request) throws IOException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		try (Socket socket = open("127.0.0.1", port)) {
			socket.setSoTimeout(100);
			byte[] bytes = request.repeat(100).getBytes(StandardCharsets.ISO_8859_1);
			for (int i = 0; System.nanoTime() < deadline; i = (i + 1) % bytes.length) {
				try {
					socket.getOutputStream().write(bytes[i]);
					socket.getOutputStream().flush();
					if (socket.getInputStream().read() == -1) {
						return true;
					}
				}
				catch (SocketTimeoutException stillOpen) {
					continue;
				}
				catch (IOException reset) {
					return true;
				}
			}
			return false;
		}
	}

	static Socket open(String localAddress, int port) throws IOException {
		Socket socket = new Socket();
		socket.bind(new InetSocketAddress(localAddress, 0));
		socket.connect(new InetSocketAddress("127.0.0.1", port));
		socket.setSoTimeout((int) WAIT.toMillis());
		return socket;
	}

	static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	static int readOrEnd(Socket socket) throws IOException {
		try {
			return socket.getInputStream().read();
		}
		catch (IOException reset) {
			return -1;
		}
	}

	static int healthStatus(String localAddress, int port) throws IOException {
		try (Socket socket = open(localAddress, port)) {
			send(socket, "GET /actuator/health/liveness HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n");
			InputStream in = socket.getInputStream();
			String status = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
			return Integer.parseInt(status.substring(9, 12));
		}
	}

	private double closed(String reason) {
		return this.meters.get("gateway.connections.pending.closed").tag("reason", reason).counter().count();
	}

}
