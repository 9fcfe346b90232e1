package io.wsgateway.history;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.TestSessions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery in offset order on one node over the memory store: copies dropped, gaps filled
 * from the store, a join's live messages held until its reply.
 */
class ChannelHistoryTests {

	private static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+)");

	private final ChannelHistory history = TestHistories.memory(100, 0);

	private final FakeTransport transport = new FakeTransport();

	private final ClientSession alice = TestSessions.session("alice", this.transport);

	private final ChannelHistory.Sender sender = (members, frame, excluded) -> members.stream()
		.filter((member) -> excluded == null || !member.hasId(excluded))
		.forEach((member) -> member.send(frame));

	@Test
	void dropsCopiesAndMessagesThatCameLate() {
		List<BusEvent.Frame> published = publish(3);
		deliver(published.get(0));
		deliver(published.get(2));
		deliver(published.get(1));
		deliver(published.get(2));
		assertThat(offsets()).containsExactly(1L, 2L, 3L);
	}

	@Test
	void fillsAGapFromTheStoreBeforeTheNewerMessage() {
		List<BusEvent.Frame> published = publish(4);
		deliver(published.get(0));
		deliver(published.get(3));
		assertThat(offsets()).containsExactly(1L, 2L, 3L, 4L);
	}

	@Test
	void aGapFilledMessageSkipsItsSender() {
		BusEvent first = publish(1).get(0);
		BusEvent own = publishFrom(this.alice.id());
		BusEvent third = publish(1).get(0);
		deliver(first);
		deliver(third);
		deliver(own);
		assertThat(offsets()).containsExactly(1L, 3L);
	}

	@Test
	void holdsLiveMessagesUntilTheJoinsReplyWentOut() {
		Recoveries recoveries = new Recoveries(this.history);
		List<BusEvent.Frame> before = publish(2);
		String epoch = this.history.store()
			.read("room:lobby", this.history.retention(HistoryFamily.ROOMS), -1, -1, 1)
			.epoch();
		Recoveries.Joined joined = recoveries.join(HistoryFamily.ROOMS, "lobby", this.alice, new Recover(1, epoch), () -> {
		}, () -> {
		});
		List<BusEvent.Frame> after = publish(2);
		deliver(before.get(1));
		deliver(after.get(0));
		assertThat(this.transport.texts()).isEmpty();
		joined.afterReply().run();
		deliver(after.get(1));
		assertThat(joined.recovered()).isTrue();
		assertThat(joined.offset()).isEqualTo(2);
		assertThat(offsets()).containsExactly(2L, 3L, 4L);
	}

	@Test
	void aJoinAheadOfTheNodeGetsNoCopyOfWhatItWasReplayed() {
		FakeTransport bobTransport = new FakeTransport();
		ClientSession bob = TestSessions.session("bob", bobTransport);
		List<BusEvent.Frame> published = publish(3);
		this.history.deliver(HistoryFamily.ROOMS, "lobby", published.get(0), frame(published.get(0)), Set.of(bob),
				this.sender);
		String epoch = published.get(0).epoch();
		Recoveries.Joined joined = new Recoveries(this.history).join(HistoryFamily.ROOMS, "lobby", this.alice,
				new Recover(1, epoch), () -> {
				}, () -> {
				});
		joined.afterReply().run();
		for (BusEvent.Frame late : published.subList(1, 3)) {
			this.history.deliver(HistoryFamily.ROOMS, "lobby", late, frame(late), Set.of(bob, this.alice), this.sender);
		}
		BusEvent next = publish(1).get(0);
		this.history.deliver(HistoryFamily.ROOMS, "lobby", next, frame(next), Set.of(bob, this.alice), this.sender);
		assertThat(offsets()).containsExactly(2L, 3L, 4L);
		assertThat(bobTransport.texts()).hasSize(4);
	}

	private static OutboundFrame frame(BusEvent event) {
		return OutboundFrame.of(event.body(), "room_message");
	}

	private List<BusEvent.Frame> publish(int count) {
		return IntStream.range(0, count).mapToObj((i) -> publishFrom(null)).toList();
	}

	private BusEvent.Frame publishFrom(String sender) {
		BusEvent.Frame[] stamped = new BusEvent.Frame[1];
		this.history.publish(new BusEvent.Frame("room.lobby", "room", "{\"type\":\"room_message\",\"room\":\"lobby\"}",
				"node", sender), (event) -> {
					stamped[0] = event;
					return CompletableFuture.completedStage(null);
				});
		return stamped[0];
	}

	private void deliver(BusEvent event) {
		this.history.deliver(HistoryFamily.ROOMS, "lobby", event, OutboundFrame.of(event.body(), "room_message"),
				Set.of(this.alice), this.sender);
	}

	private List<Long> offsets() {
		return this.transport.texts().stream().map((text) -> {
			Matcher matcher = OFFSET.matcher(text);
			assertThat(matcher.find()).isTrue();
			return Long.parseLong(matcher.group(1));
		}).toList();
	}

}
