package io.wsgateway.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.SessionEvents;
import io.wsgateway.session.TestSessions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** {@link FanOut}: who gets a frame, in what order, and on which thread. */
class FanOutTests {

	private final FanOut fanOut = new FanOut(2, 64);

	private final List<FakeTransport> transports = new ArrayList<>();

	@AfterEach
	void stop() {
		this.fanOut.destroy();
	}

	@Test
	void smallRoomIsServedOnTheCallingThreadAndSkipsTheExcludedConnection() {
		List<ClientSession> members = members(FanOut.PARALLEL_FROM - 1);
		this.fanOut.deliver(members, OutboundFrame.of("{\"type\":\"room_message\"}", "room_message"), members.get(0).id());
		assertThat(this.transports.get(0).texts()).isEmpty();
		for (FakeTransport transport : this.transports.subList(1, this.transports.size())) {
			assertThat(transport.texts()).containsExactly("{\"type\":\"room_message\"}");
		}
	}

	@Test
	void largeRoomGetsEveryFrameExactlyOnceAndInOrder() {
		List<ClientSession> members = members(1000);
		String excluded = members.get(7).id();
		List<String> sent = IntStream.range(0, 50).mapToObj((i) -> "{\"n\":" + i + "}").toList();
		for (String text : sent) {
			this.fanOut.deliver(members, OutboundFrame.of(text, "room_message"), excluded);
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.transports.stream().mapToInt((t) -> t.texts().size()).sum())
				.isEqualTo(999 * sent.size()));
		for (int i = 0; i < this.transports.size(); i++) {
			assertThat(this.transports.get(i).texts()).isEqualTo((i == 7) ? List.of() : sent);
		}
	}

	@Test
	void afterShutdownEveryoneIsStillServedOnTheCallingThread() {
		List<ClientSession> members = members(FanOut.PARALLEL_FROM * 2);
		this.fanOut.destroy();
		this.fanOut.deliver(members, OutboundFrame.of("{}", "room_message"), null);
		assertThat(this.transports).allSatisfy((transport) -> assertThat(transport.texts()).containsExactly("{}"));
	}

	@Test
	void aShareThatWaitedWhileItsHelperStoppedIsHandedBackToTheCaller() {
		ThreadPoolExecutor[] helper = new ThreadPoolExecutor[1];
		// The helper stops while the share waits for room, and its thread has already ended.
		BlockingQueue<Runnable> backlog = new ArrayBlockingQueue<>(1) {
			@Override
			public void put(Runnable share) throws InterruptedException {
				helper[0].shutdown();
				super.put(share);
			}
		};
		helper[0] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, backlog);
		Runnable share = () -> {
		};
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> FanOut.waitForRoom(share, helper[0]));
		assertThat(backlog).isEmpty();
	}

	@Test
	void oneThreadServesEveryRoomOnTheCallingThread() {
		FanOut single = new FanOut(1, 1);
		List<ClientSession> members = members(FanOut.PARALLEL_FROM * 2);
		single.deliver(members, OutboundFrame.of("{}", "room_message"), null);
		assertThat(this.transports).allSatisfy((transport) -> assertThat(transport.texts()).containsExactly("{}"));
		single.destroy();
	}

	@Test
	void publisherWaitsWhileTheHelpersBacklogIsFullAndOrderIsKept() throws Exception {
		FanOut bounded = new FanOut(2, 2);
		CountDownLatch helperHeld = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// every send completes at once, so the helper's thread passes here: it stops on its first
		SessionEvents holdHelper = new SessionEvents() {
			@Override
			public void frameSent(ClientSession session, OutboundFrame frame) {
				if (Thread.currentThread().getName().startsWith("gateway-fan-out-")) {
					helperHeld.countDown();
					awaitQuietly(release);
				}
			}
		};
		List<ClientSession> members = members(FanOut.PARALLEL_FROM * 2, holdHelper);
		List<String> sent = IntStream.range(0, 4).mapToObj((i) -> "{\"n\":" + i + "}").toList();
		try {
			bounded.deliver(members, OutboundFrame.of(sent.get(0), "room_message"), null);
			assertThat(helperHeld.await(10, TimeUnit.SECONDS)).isTrue();
			bounded.deliver(members, OutboundFrame.of(sent.get(1), "room_message"), null);
			bounded.deliver(members, OutboundFrame.of(sent.get(2), "room_message"), null);
			Thread publisher = new Thread(
					() -> bounded.deliver(members, OutboundFrame.of(sent.get(3), "room_message"), null));
			publisher.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> publisher.getState() == Thread.State.WAITING);
			assertThat(publisher.isAlive()).as("a third waiting message makes the publisher wait").isTrue();

			release.countDown();
			publisher.join(10_000);
			assertThat(publisher.isAlive()).isFalse();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(
						() -> assertThat(this.transports).allSatisfy((t) -> assertThat(t.texts()).isEqualTo(sent)));
		}
		finally {
			release.countDown();
			bounded.destroy();
		}
	}

	private List<ClientSession> members(int count) {
		return members(count, new SessionEvents() {
		});
	}

	private List<ClientSession> members(int count, SessionEvents events) {
		List<ClientSession> members = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			FakeTransport transport = new FakeTransport();
			this.transports.add(transport);
			members.add(TestSessions.session(TestSessions.identity("user-" + i), transport,
					TestSessions.DEFAULT_BUFFER_LIMIT, TestSessions.DEFAULT_TIME_LIMIT, events));
		}
		return members;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
