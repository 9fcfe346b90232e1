package io.wsgateway.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class ClientSessionTests {

	private static final Duration TIME_LIMIT = Duration.ofSeconds(2);

	private static final Duration HEARTBEAT = Duration.ofSeconds(30);

	private static final Duration IDLE = Duration.ofMinutes(5);

	private final FakeTransport transport = new FakeTransport();

	private final RecordingEvents events = new RecordingEvents();

	private ClientSession session(DataSize bufferLimit) {
		return session(TestSessions.identity("alice"), bufferLimit);
	}

	private ClientSession session(ClientIdentity identity, DataSize bufferLimit) {
		return TestSessions.session(identity, this.transport, bufferLimit, TIME_LIMIT, this.events);
	}

	private static OutboundFrame frame(String text) {
		return OutboundFrame.of(text, "test");
	}

	private static OutboundFrame frameOfSize(int bytes) {
		return frame("x".repeat(bytes));
	}

	private static void checkTimers(ClientSession session, long now) {
		TestSessions.checkTimers(session, now, Instant.now(), HEARTBEAT, IDLE);
	}

	// ---- ordering and the single outstanding write -----------------------------------------

	@Test
	void writesFramesInTheOrderTheyWereSent() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		assertThat(session.send(frame("a"))).isTrue();
		assertThat(session.send(frame("b"))).isTrue();
		assertThat(session.send(frame("c"))).isTrue();
		assertThat(this.transport.texts()).containsExactly("a", "b", "c");
		assertThat(session.messagesOut()).isEqualTo(3);
		assertThat(session.bytesOut()).isEqualTo(3);
		assertThat(session.queuedBytes()).isZero();
		assertThat(this.events.sent).hasValue(3);
	}

	@Test
	void keepsAtMostOneWriteOutstanding() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		this.transport.holdWrites();
		session.send(frame("a"));
		session.send(frame("b"));
		session.send(frame("c"));
		assertThat(this.transport.texts()).containsExactly("a");
		assertThat(session.queuedBytes()).isEqualTo(3);
		this.transport.completeNext();
		assertThat(this.transport.texts()).containsExactly("a", "b");
		this.transport.completeNext();
		this.transport.completeNext();
		assertThat(this.transport.texts()).containsExactly("a", "b", "c");
		assertThat(this.transport.pendingWrites()).isZero();
		assertThat(this.transport.maxOutstanding()).isEqualTo(1);
		assertThat(session.queuedBytes()).isZero();
	}

	@Test
	void manyThreadsSendingAtOnceKeepOneWriteOutstandingAndPerThreadOrder() throws Exception {
		ClientSession session = session(DataSize.ofMegabytes(64));
		this.transport.holdWrites();
		int threads = 8;
		int perThread = 1_000;
		AtomicBoolean done = new AtomicBoolean();
		Thread completer = new Thread(() -> {
			while (!done.get() || this.transport.pendingWrites() > 0) {
				if (!this.transport.completeNext()) {
					Thread.onSpinWait();
				}
			}
		});
		completer.start();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			futures.add(pool.submit(() -> {
				start.await();
				for (int n = 0; n < perThread; n++) {
					assertThat(session.send(frame(thread + ":" + n))).isTrue();
				}
				return null;
			}));
		}
		start.countDown();
		for (Future<?> future : futures) {
			future.get(30, TimeUnit.SECONDS);
		}
		pool.shutdown();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> this.transport.texts().size() == threads * perThread && this.transport.pendingWrites() == 0);
		done.set(true);
		completer.join(10_000);

		assertThat(this.transport.maxOutstanding()).isEqualTo(1);
		int[] next = new int[threads];
		for (String text : this.transport.texts()) {
			String[] parts = text.split(":");
			int thread = Integer.parseInt(parts[0]);
			assertThat(Integer.parseInt(parts[1])).isEqualTo(next[thread]);
			next[thread]++;
		}
		assertThat(next).containsOnly(perThread);
		assertThat(session.queuedBytes()).isZero();
		assertThat(session.messagesOut()).isEqualTo(threads * perThread);
	}

	@Test
	void continuesWhenTheTransportCompletesOnAnotherThreadOrInline() throws Exception {
		ExecutorService network = Executors.newSingleThreadExecutor();
		try {
			AsyncTransport async = new AsyncTransport(network);
			ClientSession onAsync = new ClientSession("c-1", TestSessions.identity("alice"), "192.0.2.1", null, async,
					new SendLimits(DataSize.ofMegabytes(1).toBytes(), TIME_LIMIT.toNanos()), this.events);
			for (int i = 0; i < 500; i++) {
				onAsync.send(frame(Integer.toString(i)));
			}
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> async.texts.size() == 500);
			assertThat(async.texts).containsExactlyElementsOf(
					java.util.stream.IntStream.range(0, 500).mapToObj(Integer::toString).toList());
			assertThat(async.maxOutstanding.get()).isEqualTo(1);
		}
		finally {
			network.shutdownNow();
		}
	}

	// ---- slow consumers ---------------------------------------------------------------------

	@Test
	void closesWith4010AndDropsQueuedFramesWhenTheBufferLimitIsPassed() {
		ClientSession session = session(DataSize.ofBytes(100));
		this.transport.holdWrites();
		assertThat(session.send(frameOfSize(60))).isTrue();
		assertThat(session.send(frameOfSize(40))).isTrue();
		assertThat(session.send(frameOfSize(1))).isFalse();

		assertThat(this.transport.closeCode()).isEqualTo(4010);
		assertThat(session.requestedCloseStatus()).isEqualTo(GatewayCloseStatus.SLOW_CONSUMER);
		assertThat(session.isOpen()).isFalse();
		assertThat(this.events.overflows).hasValue(1);
		assertThat(session.send(frame("later"))).isFalse();
		this.transport.completeNext();
		assertThat(this.transport.texts()).hasSize(1);
		assertThat(this.transport.pendingWrites()).isZero();
	}

	@Test
	void sendsALoneFrameLargerThanTheBufferLimit() {
		ClientSession session = session(DataSize.ofBytes(100));
		assertThat(session.send(frameOfSize(500))).isTrue();
		assertThat(session.send(frameOfSize(500))).isTrue();
		assertThat(this.transport.texts()).hasSize(2);
		assertThat(this.transport.closeCode()).isNull();
	}

	@Test
	void closesWith4010WhenOneWriteStaysUnfinishedPastTheSendTimeLimit() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		this.transport.holdWrites();
		session.send(frame("stuck"));
		checkTimers(session, System.nanoTime() + TIME_LIMIT.toNanos() / 2);
		assertThat(this.transport.closeCode()).isNull();

		checkTimers(session, System.nanoTime() + TIME_LIMIT.toNanos() + 1_000_000);
		assertThat(this.transport.closeCode()).isEqualTo(4010);
		assertThat(this.events.overflows).hasValue(1);
		assertThat(session.send(frame("more"))).isFalse();
	}

	@Test
	void disconnectsOnceWhenTheClientDoesNotAnswerTheClose() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		session.close(GatewayCloseStatus.NORMAL);
		assertThat(this.transport.closeCode()).isEqualTo(1000);
		// like Jetty's, the transport no longer reports itself open once the close started
		assertThat(this.transport.isOpen()).isFalse();

		checkTimers(session, System.nanoTime() + TIME_LIMIT.toNanos() / 2);
		assertThat(this.transport.disconnectCalls()).isZero();
		checkTimers(session, System.nanoTime() + TIME_LIMIT.toNanos() + 1_000_000);
		assertThat(this.transport.disconnectCalls()).isEqualTo(1);
		checkTimers(session, System.nanoTime() + 2 * TIME_LIMIT.toNanos());
		assertThat(this.transport.disconnectCalls()).isEqualTo(1);
	}

	@Test
	void disconnectsAStalledSlowConsumerWhoseCloseCannotBeWritten() {
		ClientSession session = session(DataSize.ofBytes(10));
		this.transport.holdWrites();
		session.send(frameOfSize(10));
		session.send(frameOfSize(10));
		assertThat(this.transport.closeCode()).isEqualTo(4010);
		checkTimers(session, System.nanoTime() + TIME_LIMIT.toNanos() + 1_000_000);
		assertThat(this.transport.disconnectCalls()).isEqualTo(1);
	}

	// ---- closing ---------------------------------------------------------------------------

	@Test
	void closesAfterTheFramesAlreadyQueued() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		this.transport.holdWrites();
		session.send(frame("a"));
		session.send(frame("b"));
		session.close(GatewayCloseStatus.GOING_AWAY);
		assertThat(session.isOpen()).isFalse();
		assertThat(session.send(frame("c"))).isFalse();
		assertThat(this.transport.closeCode()).isNull();

		this.transport.completeNext();
		assertThat(this.transport.closeCode()).isNull();
		this.transport.completeNext();
		assertThat(this.transport.texts()).containsExactly("a", "b");
		assertThat(this.transport.closeCode()).isEqualTo(1001);
		assertThat(this.transport.closeReason()).isEqualTo("node shutting down");

		session.close(GatewayCloseStatus.NORMAL);
		assertThat(this.transport.closeCalls()).isEqualTo(1);
		assertThat(session.requestedCloseStatus()).isEqualTo(GatewayCloseStatus.GOING_AWAY);
	}

	@Test
	void failedWriteDropsTheConnectionAndTheQueue() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		this.transport.holdWrites();
		session.send(frame("a"));
		session.send(frame("b"));
		this.transport.failNext(new IOException("broken pipe"));
		assertThat(this.transport.disconnected()).isTrue();
		assertThat(session.requestedCloseStatus().getCode()).isEqualTo(1011);
		assertThat(this.transport.texts()).containsExactly("a");
		assertThat(session.send(frame("c"))).isFalse();
	}

	@Test
	void writeThatThrowsIsTreatedAsAFailedWrite() {
		ThrowingTransport throwing = new ThrowingTransport();
		ClientSession session = new ClientSession("c-1", TestSessions.identity("alice"), "192.0.2.1", null, throwing,
				new SendLimits(1_000_000, TIME_LIMIT.toNanos()), this.events);
		assertThat(session.send(frame("a"))).isTrue();
		assertThat(throwing.disconnected).isTrue();
		assertThat(session.requestedCloseStatus().getCode()).isEqualTo(1011);
		assertThat(session.queuedBytes()).isZero();
	}

	@Test
	void hasIdComparesTheIdNotTheInstanceNorOnlyItsHash() {
		ClientSession session = new ClientSession("Aa", TestSessions.identity("alice"), "192.0.2.1", null,
				this.transport, new SendLimits(1_000_000, TIME_LIMIT.toNanos()), this.events);
		assertThat(session.hasId(new String(new char[] { 'A', 'a' }))).isTrue();
		assertThat("BB".hashCode()).isEqualTo("Aa".hashCode());
		assertThat(session.hasId("BB")).isFalse();
		assertThat(session.hasId("c-2")).isFalse();
	}

	// ---- timers --------------------------------------------------------------------------------

	@Test
	void pingsOncePerHeartbeatInterval() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		long start = System.nanoTime();
		checkTimers(session, start + HEARTBEAT.toNanos() / 2);
		assertThat(this.transport.pings()).isZero();
		TestSessions.receive(session, -1);
		long now = System.nanoTime() + HEARTBEAT.toNanos();
		checkTimers(session, now);
		assertThat(this.transport.pings()).isEqualTo(1);
		checkTimers(session, now + HEARTBEAT.toNanos() / 2);
		assertThat(this.transport.pings()).isEqualTo(1);
		TestSessions.receive(session, -1);
		checkTimers(session, now + HEARTBEAT.toNanos());
		assertThat(this.transport.pings()).isEqualTo(2);
		assertThat(session.messagesOut()).as("pings are not messages").isZero();
		assertThat(this.transport.closeCode()).isNull();
	}

	@Test
	void queuesPingsBehindFramesAlreadyWaiting() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		this.transport.holdWrites();
		session.send(frame("a"));
		session.send(frame("b"));
		// a heartbeat shorter than the send time limit, so that the held write does not count as stuck
		Duration heartbeat = TIME_LIMIT.dividedBy(2);
		TestSessions.checkTimers(session, System.nanoTime() + heartbeat.toNanos(), Instant.now(), heartbeat, IDLE);
		this.transport.releaseWrites();
		assertThat(this.transport.writes()).extracting(FakeTransport.Write::text).containsExactly("a", "b", null);
	}

	@Test
	void closesWhenTwoPingsInARowWentUnanswered() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		long start = System.nanoTime();
		checkTimers(session, start + HEARTBEAT.toNanos());
		checkTimers(session, start + 2 * HEARTBEAT.toNanos());
		assertThat(this.transport.pings()).isEqualTo(2);
		assertThat(this.transport.closeCode()).as("one unanswered ping is not enough").isNull();
		checkTimers(session, start + 3 * HEARTBEAT.toNanos());
		assertThat(this.transport.closeCode()).isEqualTo(1000);
		assertThat(this.transport.closeReason()).isEqualTo("heartbeat timeout");
	}

	@Test
	void countsNeitherPingsNorSilenceWhileTheNodeItselfWasPaused() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		long start = System.nanoTime();
		Duration idle = HEARTBEAT.multipliedBy(3);
		TestSessions.checkTimers(session, start + HEARTBEAT.toNanos(), start + HEARTBEAT.toNanos(), Instant.now(),
				HEARTBEAT, idle);
		assertThat(this.transport.pings()).isEqualTo(1);
		// ten intervals pass while the node is stopped: it ran for only half an interval
		long resumed = start + 11 * HEARTBEAT.toNanos();
		long running = start + HEARTBEAT.toNanos() + HEARTBEAT.toNanos() / 2;
		TestSessions.checkTimers(session, resumed, running, Instant.now(), HEARTBEAT, idle);
		assertThat(this.transport.pings()).isEqualTo(1);
		assertThat(this.transport.closeCode()).isNull();
	}

	// ---- pongs ---------------------------------------------------------------------------------

	@Test
	void answersAPingWithAPongOfItsPayload() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		session.pong("hello".getBytes(StandardCharsets.UTF_8));
		assertThat(this.transport.pongs()).containsExactly("hello");
		assertThat(session.queuedBytes()).isZero();
		assertThat(session.messagesOut()).as("pongs are not messages").isZero();
	}

	@Test
	void keepsOnlyTheLatestPongWhileEarlierOnesWait() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		this.transport.holdWrites();
		session.send(frame("a"));
		for (int i = 0; i < 1000; i++) {
			session.pong(("ping-" + i).getBytes(StandardCharsets.UTF_8));
		}
		assertThat(session.queuedBytes()).isEqualTo(1 + "ping-999".length());
		assertThat(this.events.pongsCoalesced).hasValue(999);
		this.transport.releaseWrites();
		assertThat(this.transport.texts()).containsExactly("a");
		assertThat(this.transport.pongs()).containsExactly("ping-999");
		assertThat(session.queuedBytes()).isZero();
	}

	@Test
	void closesAClientWhosePongDoesNotFitBehindItsBacklogAsASlowConsumer() {
		ClientSession session = session(DataSize.ofBytes(100));
		this.transport.holdWrites();
		session.send(frameOfSize(60));
		session.send(frameOfSize(30));
		session.pong(new byte[20]);
		assertThat(this.transport.closeCode()).isEqualTo(4010);
		assertThat(this.events.overflows).hasValue(1);
		assertThat(session.queuedBytes()).isEqualTo(60);
		session.pong(new byte[20]);
		assertThat(session.queuedBytes()).as("no pong after the close").isEqualTo(60);
	}

	@Test
	void countsInboundMessagesButNotPongs() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		Instant before = session.lastActiveAt();
		TestSessions.receive(session, -1);
		TestSessions.receive(session, 10);
		checkTimers(session, System.nanoTime() + HEARTBEAT.toNanos());
		assertThat(this.transport.closeCode()).isNull();
		assertThat(session.messagesIn()).isEqualTo(1);
		assertThat(session.bytesIn()).isEqualTo(10);
		assertThat(session.lastActiveAt()).isAfterOrEqualTo(before);
	}

	@Test
	void closesAfterTheIdleTimeoutWithoutInboundTraffic() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		Duration idle = Duration.ofSeconds(1);
		TestSessions.checkTimers(session, System.nanoTime() + idle.toNanos() + 1_000_000, Instant.now(), HEARTBEAT, idle);
		assertThat(this.transport.closeCode()).isEqualTo(1000);
		assertThat(this.transport.closeReason()).isEqualTo("idle timeout");
	}

	@Test
	void closesWith1008WhenTheTokenHasExpired() {
		ClientSession session = session(new ClientIdentity("alice", Set.of(), Set.of(), Instant.now().minusSeconds(1), false),
				DataSize.ofMegabytes(1));
		checkTimers(session, System.nanoTime());
		assertThat(this.transport.closeCode()).isEqualTo(1008);
		assertThat(this.transport.closeReason()).isEqualTo("token expired");
	}

	@Test
	void keepsAConnectionWhoseTokenIsStillValid() {
		Instant expiresAt = Instant.now().plusSeconds(60);
		ClientSession session = session(new ClientIdentity("alice", Set.of(), Set.of(), expiresAt, false),
				DataSize.ofMegabytes(1));
		checkTimers(session, System.nanoTime());
		assertThat(this.transport.closeCode()).isNull();
		TestSessions.checkTimers(session, System.nanoTime(), expiresAt.plusMillis(1), HEARTBEAT, IDLE);
		assertThat(this.transport.closeCode()).isEqualTo(1008);
	}

	// ---- bookkeeping ---------------------------------------------------------------------------

	@Test
	void createsTheRateLimiterOnce() {
		ClientSession session = session(DataSize.ofMegabytes(1));
		AtomicInteger created = new AtomicInteger();
		Object first = session.rateLimiter(() -> created.incrementAndGet());
		Object second = session.rateLimiter(() -> created.incrementAndGet());
		assertThat(first).isSameAs(second);
		assertThat(created).hasValue(1);
	}

	@Test
	void countsUtf8BytesOfFrames() {
		assertThat(OutboundFrame.of("é€😀a", "t").size()).isEqualTo(2 + 3 + 4 + 1);
		assertThat(OutboundFrame.utf8Length("\uD800")).isEqualTo(3);
	}

	@Test
	void encodesAFrameOnceForEverySessionItGoesTo() {
		OutboundFrame frame = OutboundFrame.of("{\"text\":\"é€😀\"}", "t");
		byte[] first = frame.utf8();
		assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(frame.text());
		assertThat(first).hasSize(frame.size());
		assertThat(frame.utf8()).isSameAs(first);
	}

	static final class RecordingEvents implements SessionEvents {

		final AtomicInteger sent = new AtomicInteger();

		final AtomicInteger overflows = new AtomicInteger();

		final AtomicInteger pongsCoalesced = new AtomicInteger();

		@Override
		public void pongCoalesced(ClientSession session) {
			this.pongsCoalesced.incrementAndGet();
		}

		@Override
		public void frameSent(ClientSession session, OutboundFrame frame) {
			this.sent.incrementAndGet();
		}

		@Override
		public void sendOverflow(ClientSession session) {
			this.overflows.incrementAndGet();
		}

	}

	/** Completes every write on another thread, like a network. */
	static final class AsyncTransport implements FrameTransport {

		final List<String> texts = java.util.Collections.synchronizedList(new ArrayList<>());

		final AtomicInteger outstanding = new AtomicInteger();

		final AtomicInteger maxOutstanding = new AtomicInteger();

		private final ExecutorService network;

		AsyncTransport(ExecutorService network) {
			this.network = network;
		}

		@Override
		public void sendText(OutboundFrame frame, Runnable onSuccess, Consumer<Throwable> onFailure) {
			this.maxOutstanding.accumulateAndGet(this.outstanding.incrementAndGet(), Math::max);
			this.texts.add(frame.text());
			this.network.execute(() -> {
				this.outstanding.decrementAndGet();
				onSuccess.run();
			});
		}

		@Override
		public void sendPing(Runnable onSuccess, Consumer<Throwable> onFailure) {
			this.network.execute(onSuccess);
		}

		@Override
		public void sendPong(byte[] payload, Runnable onSuccess, Consumer<Throwable> onFailure) {
			this.network.execute(onSuccess);
		}

		@Override
		public void close(int code, String reason) {
		}

		@Override
		public void disconnect() {
		}

		@Override
		public boolean isOpen() {
			return true;
		}

	}

	static final class ThrowingTransport implements FrameTransport {

		boolean disconnected;

		@Override
		public void sendText(OutboundFrame frame, Runnable onSuccess, Consumer<Throwable> onFailure) {
			throw new IllegalStateException("TEXT_PARTIAL_WRITING");
		}

		@Override
		public void sendPing(Runnable onSuccess, Consumer<Throwable> onFailure) {
			throw new IllegalStateException("closed");
		}

		@Override
		public void sendPong(byte[] payload, Runnable onSuccess, Consumer<Throwable> onFailure) {
			throw new IllegalStateException("closed");
		}

		@Override
		public void close(int code, String reason) {
		}

		@Override
		public void disconnect() {
			this.disconnected = true;
		}

		@Override
		public boolean isOpen() {
			return !this.disconnected;
		}

	}

}
