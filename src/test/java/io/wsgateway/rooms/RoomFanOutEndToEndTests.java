package io.wsgateway.rooms;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.GatewayCloseStatus;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.MessagingEndToEndTest;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.wsgateway.testsupport.Wire.assertIsoTimestamp;
import static io.wsgateway.testsupport.Wire.assertNothingQueued;
import static io.wsgateway.testsupport.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * A 200-member room receives 1,000 broadcasts from 4 members sending at the same time
 * (250 each) while one member has stopped reading: every reading member gets every
 * broadcast not its own, exactly once and in each sender's order, and the stalled member
 * is closed as a slow consumer (4010, {@code send-buffer-limit} being 256 KB here)
 * without holding anyone up.
 *
 * <p>Before the broadcasts the stalled member's TCP buffers are filled with echo replies
 * until the server holds a small backlog for it; how much the kernel buffers differs
 * between machines, and with the pipe already full it is the broadcasts themselves
 * (1,000 frames of about 400 bytes) that take the backlog past the limit.
 *
 * <p>All 200 clients share one JDK {@link HttpClient} with a four-thread executor, and
 * readers are checked while messages arrive, so threads and memory stay modest.
 */
@MessagingEndToEndTest
class RoomFanOutEndToEndTests {

	private static final int MEMBERS = 200;

	private static final int SENDERS = 4;

	private static final int PER_SENDER = 250;

	private static final String PAD = "p".repeat(256);

	private static final int FILL_PAYLOAD = 16 * 1024;

	private static final int FILL_BACKLOG = 32 * 1024;

	private static final int MAX_FILL_MESSAGES = 2000;

	private static final Duration DELIVERY = Duration.ofMinutes(3);

	@LocalServerPort
	private int port;

	@Autowired
	private SessionRegistry sessions;

	@Autowired
	private ChannelHub hub;

	@Test
	void deliversEveryBroadcastInPerSenderOrderWhileOneMemberStopsReading() throws Exception {
		String u = Wire.unique();
		String room = "fanout-" + u;
		ExecutorService clientThreads = Executors.newFixedThreadPool(4, daemon("fanout-client-"));
		ExecutorService senderThreads = Executors.newFixedThreadPool(SENDERS, daemon("fanout-sender-"));
		HttpClient http = HttpClient.newBuilder().executor(clientThreads).connectTimeout(TestClient.TIMEOUT).build();
		List<TestClient> members = new ArrayList<>(MEMBERS);
		try {
			for (int i = 0; i < MEMBERS; i++) {
				String user = ((i < SENDERS) ? "sender-" + i : "member-" + i) + "-" + u;
				TestClient member = TestClient.connect(http, TestClient.uri(this.port),
						TestClient.bearer(TestTokens.token(user)));
				members.add(member);
				assertThat(member.request(message("join_room", "room", room)).get("members").asInt()).isEqualTo(i + 1);
			}
			List<TestClient> senders = members.subList(0, SENDERS);
			TestClient stalled = members.get(MEMBERS - 1);
			ClientSession stalledSession = TestSessions.awaitRegistered(this.sessions, stalled.connectionId());
			stalled.pauseReading();
			fillPipe(stalled, stalledSession);
			assertThat(stalledSession.requestedCloseStatus()).as("closed before the broadcasts").isNull();

			List<Reader> readers = new ArrayList<>();
			for (int i = 0; i < MEMBERS - 1; i++) {
				readers.add(new Reader(members.get(i), room, u, (i < SENDERS) ? i : -1));
			}
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> sending = new ArrayList<>();
			for (int s = 0; s < SENDERS; s++) {
				int sender = s;
				sending.add(senderThreads.submit(() -> {
					start.await();
					for (int seq = 0; seq < PER_SENDER; seq++) {
						senders.get(sender)
							.send(message("broadcast", "room", room, "payload",
									Map.of("sender", sender, "seq", seq, "pad", PAD)));
					}
					return null;
				}));
			}
			start.countDown();

			boolean[] resumed = { false };
			await("every reading member has every broadcast").atMost(DELIVERY)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> {
					if (!resumed[0] && stalledSession.requestedCloseStatus() != null) {
						// let it read its backlog and the close frame while the server still waits for it
						stalled.resumeReading();
						resumed[0] = true;
					}
					boolean complete = true;
					for (Reader reader : readers) {
						reader.check();
						complete &= reader.complete();
					}
					return complete;
				});
			for (Future<?> send : sending) {
				send.get(1, TimeUnit.MINUTES);
			}

			assertThat(stalledSession.requestedCloseStatus()).isEqualTo(GatewayCloseStatus.SLOW_CONSUMER);
			stalled.resumeReading();
			assertThat(stalled.awaitClose(Duration.ofSeconds(30))).isEqualTo(4010);
			await("stalled member removed from the room").atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(this.hub.members(RoomFamily.room(room))).doesNotContain(stalledSession));
			assertThat(this.hub.sizes(Channel.ROOM)).containsEntry(room, MEMBERS - 1);
			for (Reader reader : readers) {
				// nothing more than expected, and everyone still connected
				assertNothingQueued(reader.client);
			}
		}
		finally {
			members.forEach(TestClient::close);
			senderThreads.shutdownNow();
			clientThreads.shutdownNow();
		}
	}

	/**
	 * Sends echoes of 16 KB from the paused client, each after the previous reply was sent
	 * or queued, until the server holds at least 32 KB that the client does not read: the
	 * kernel's buffers are full and the backlog stays far below the 256 KB limit. (Linux
	 * with default settings takes about 4 MB on loopback before that.)
	 */
	private static void fillPipe(TestClient stalled, ClientSession session) {
		String echo = message("echo", "payload", "x".repeat(FILL_PAYLOAD));
		long baseline = session.bytesOut() + session.queuedBytes();
		for (int sent = 1; session.queuedBytes() < FILL_BACKLOG; sent++) {
			if (sent > MAX_FILL_MESSAGES) {
				fail("the server holds no backlog for the paused client after " + MAX_FILL_MESSAGES
						+ " echoes of 16 KB: does pauseReading stop reading the socket?");
			}
			stalled.send(echo);
			long expected = baseline + (long) sent * FILL_PAYLOAD;
			await("echo reply sent or queued").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(1))
				.until(() -> session.bytesOut() + session.queuedBytes() >= expected);
		}
	}

	private static ThreadFactory daemon(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** Checks one member's messages as they arrive, keeping only counters. */
	private static final class Reader {

		private final TestClient client;

		private final String room;

		private final String suffix;

		private final int ownSender;

		private final int[] next = new int[SENDERS];

		private final int expected;

		private int received;

		Reader(TestClient client, String room, String suffix, int ownSender) {
			this.client = client;
			this.room = room;
			this.suffix = suffix;
			this.ownSender = ownSender;
			this.expected = (ownSender >= 0) ? (SENDERS - 1) * PER_SENDER : SENDERS * PER_SENDER;
		}

		void check() {
			for (JsonNode message : this.client.drain()) {
				assertThat(message.path("type").asString(null)).as("type of %s", message).isEqualTo("room_message");
				assertThat(message.get("room").asString()).isEqualTo(this.room);
				JsonNode payload = message.get("payload");
				int sender = payload.get("sender").asInt();
				int seq = payload.get("seq").asInt();
				assertThat(sender).as("a member never receives its own broadcast").isNotEqualTo(this.ownSender);
				assertThat(message.get("from").asString()).isEqualTo("sender-" + sender + "-" + this.suffix);
				assertThat(seq).as("sequence number from sender %d at %s", sender, this.client.connectionId())
					.isEqualTo(this.next[sender]);
				assertIsoTimestamp(message.get("timestamp"));
				this.next[sender]++;
				this.received++;
			}
		}

		boolean complete() {
			return this.received == this.expected;
		}

	}

}
