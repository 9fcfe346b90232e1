package io.wsgateway.session;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;

import io.micrometer.core.instrument.MeterRegistry;
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
 * A client that sends pings and never reads its pongs, on a real server with the rate limit
 * out of the way: the node's live heap, measured after full collections with the socket
 * still open, grows by no more than a few megabytes however many pings arrive (each pong
 * queued used to take about 250 bytes), the pongs are coalesced, and the client is closed
 * with 4010 as a slow consumer once the pong it does not read has been stuck for
 * {@code send-time-limit}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.limits.messages-per-second=100000000", "gateway.websocket.send-time-limit=30s" })
@ActiveProfiles("test")
@DirtiesContext
class PingFloodEndToEndTests {

	private static final int PINGS = 200_000;

	private static final long BOUND_BYTES = 16L << 20;

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Test
	void unreadPongsCostAtMostOnePongOfHeapAndEndIn4010() throws IOException, InterruptedException {
		long before = liveHeap();
		double overflowsBefore = this.meters.get("gateway.send.overflows").counter().count();
		Socket socket = new Socket();
		socket.setReceiveBufferSize(4096);
		try (RawWebSocket flooder = RawWebSocket.connect(socket, this.port, "/ws",
				TestClient.bearer(TestTokens.token("ping-flooder")))) {
			assertThat(flooder.status()).isEqualTo(101);
			byte[] payload = new byte[125];
			Arrays.fill(payload, (byte) 'p');
			for (int i = 0; i < PINGS; i++) {
				flooder.sendFrame(RawWebSocket.PING, true, payload);
			}
			// the writes above return once the server has read all but what the sockets buffer
			long grown = liveHeap() - before;
			assertThat(grown).as("live heap grown by %,d bytes after %,d unread pongs", grown, PINGS)
				.isLessThan(BOUND_BYTES);
			assertThat(this.meters.get("gateway.pongs.coalesced").counter().count()).isGreaterThan(PINGS / 2);
			await().atMost(Duration.ofSeconds(90))
				.until(() -> this.meters.get("gateway.send.overflows").counter().count() > overflowsBefore);
		}
	}

	// The smallest heap in use over a few full collections: what is still reachable.
	static long liveHeap() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long smallest = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			Thread.sleep(100);
			smallest = Math.min(smallest, memory.getHeapMemoryUsage().getUsed());
		}
		return smallest;
	}

}
