package io.wsgateway.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.history.TestHistories;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.hub.TestHubs;
import io.wsgateway.ops.TestGatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.RecordingEventBus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A clan of 2,000 subscribers goes through the hub's parallel fan-out, as a room does: four
 * members chatting at once, every other subscriber gets every message exactly once and in
 * each sender's order, and no sender gets its own.
 */
class ClanFanOutTests {

	private static final int SUBSCRIBERS = 2000;

	private static final int SENDERS = 4;

	private static final int PER_SENDER = 50;

	private final ChannelHub hub = TestHubs.parallelHub(RecordingEventBus.fake(), 2, 8);

	private final ClanEventListener listener = new ClanEventListener(this.hub, new MessageCodec(),
			TestGatewayMetrics.create(), TestHistories.off());

	@Test
	void deliversEveryChatOnceInEachSendersOrderToTwoThousandSubscribers() throws Exception {
		List<FakeTransport> transports = new ArrayList<>();
		List<ClientSession> subscribers = new ArrayList<>();
		for (int i = 0; i < SUBSCRIBERS; i++) {
			FakeTransport transport = new FakeTransport();
			ClientSession session = TestSessions.session("user-" + i, transport);
			this.hub.join(ClanFamily.clan("big"), session);
			transports.add(transport);
			subscribers.add(session);
		}
		ExecutorService threads = Executors.newFixedThreadPool(SENDERS);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> sending = new ArrayList<>();
			for (int s = 0; s < SENDERS; s++) {
				String sender = subscribers.get(s).id();
				int from = s;
				sending.add(threads.submit(() -> {
					start.await();
					for (int seq = 0; seq < PER_SENDER; seq++) {
						String chat = "{\"type\":\"chat\",\"clanId\":\"big\",\"userId\":\"" + from + "\",\"content\":\""
								+ seq + "\"}";
						this.listener.onEvent(new BusEvent.Frame("chat.clan.big", "chat", chat, "node-1", sender));
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> done : sending) {
				done.get();
			}
		}
		finally {
			threads.shutdown();
		}

		// The helper thread may still be delivering its share when the senders return.
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			for (int i = 0; i < SUBSCRIBERS; i++) {
				if (transports.get(i).texts().size() < ((i < SENDERS) ? SENDERS - 1 : SENDERS) * PER_SENDER) {
					return false;
				}
			}
			return true;
		});
		for (int i = 0; i < SUBSCRIBERS; i++) {
			List<String> received = transports.get(i).texts();
			for (int s = 0; s < SENDERS; s++) {
				String marker = "\"userId\":\"" + s + "\"";
				List<String> fromSender = received.stream().filter((text) -> text.contains(marker)).toList();
				if (i == s) {
					assertThat(fromSender).as("sender %d's own messages", s).isEmpty();
					continue;
				}
				List<String> expected = new ArrayList<>();
				for (int seq = 0; seq < PER_SENDER; seq++) {
					expected.add("{\"type\":\"chat\",\"clanId\":\"big\",\"userId\":\"" + s + "\",\"content\":\"" + seq
							+ "\"}");
				}
				assertThat(fromSender).as("subscriber %d from sender %d", i, s).containsExactlyElementsOf(expected);
			}
			assertThat(received).as("subscriber %d, nothing else", i)
				.hasSize(((i < SENDERS) ? SENDERS - 1 : SENDERS) * PER_SENDER);
		}
	}

}
