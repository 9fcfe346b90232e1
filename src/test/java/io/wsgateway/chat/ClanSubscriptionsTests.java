package io.wsgateway.chat;

import io.wsgateway.history.TestHistories;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.RecordingEventBus;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class ClanSubscriptionsTests {

	private final RecordingEventBus bus = RecordingEventBus.fake();

	private final ClanSubscriptions clans = new ClanSubscriptions(this.bus, new MessageCodec(), TestHistories.off());

	private final ClientSession alice = TestSessions.session("alice", new FakeTransport());

	private final ClientSession bob = TestSessions.session("bob", new FakeTransport());

	@Test
	void bindsTheClanOnItsFirstSubscriberOnly() {
		this.clans.subscribe("c1", this.alice);
		this.clans.subscribe("c1", this.bob);

		assertThat(this.bus.bindingCalls()).containsExactly("bind chat.clan.c1");
		assertThat(this.clans.subscribers("c1")).containsExactlyInAnyOrder(this.alice, this.bob);
		assertThat(this.clans.sizes()).containsExactly(entry("c1", 2));
		assertThat(this.alice.subscriptions()).containsExactly("clan_chat:c1");
		assertThat(ClanSubscriptions.isSubscribed(this.alice, "c1")).isTrue();
		assertThat(ClanSubscriptions.isSubscribed(this.alice, "c2")).isFalse();
	}

	@Test
	void subscribingTwiceIsHarmless() {
		this.clans.subscribe("c1", this.alice);
		this.clans.subscribe("c1", this.alice);

		assertThat(this.bus.bindingCalls()).containsExactly("bind chat.clan.c1");
		assertThat(this.clans.subscribers("c1")).containsExactly(this.alice);
	}

	@Test
	void unbindsWhenTheLastSubscriberLeaves() {
		this.clans.subscribe("c1", this.alice);
		this.clans.subscribe("c1", this.bob);

		this.clans.unsubscribe("c1", this.alice);
		assertThat(this.bus.bindingCalls()).containsExactly("bind chat.clan.c1");
		assertThat(ClanSubscriptions.isSubscribed(this.alice, "c1")).isFalse();

		this.clans.unsubscribe("c1", this.bob);
		assertThat(this.bus.bindingCalls()).containsExactly("bind chat.clan.c1", "unbind chat.clan.c1");
		assertThat(this.clans.subscribers("c1")).isEmpty();
		assertThat(this.clans.sizes()).isEmpty();
	}

	@Test
	void unsubscribingIsIdempotent() {
		this.clans.subscribe("c1", this.bob);

		this.clans.unsubscribe("c1", this.alice);
		this.clans.unsubscribe("c2", this.alice);
		this.clans.unsubscribe("c1", this.bob);
		this.clans.unsubscribe("c1", this.bob);

		assertThat(this.bus.bindingCalls()).containsExactly("bind chat.clan.c1", "unbind chat.clan.c1");
	}

	@Test
	void closedRemovesEveryClanSubscriptionAndNothingElse() {
		this.alice.subscriptions().add("notifications");
		this.clans.subscribe("c1", this.alice);
		this.clans.subscribe("c2", this.alice);
		this.clans.subscribe("c2", this.bob);

		this.clans.closed(this.alice, CloseStatus.NORMAL);

		assertThat(this.clans.sizes()).containsExactly(entry("c2", 1));
		assertThat(this.clans.subscribers("c2")).containsExactly(this.bob);
		assertThat(this.alice.subscriptions()).containsExactly("notifications");
		assertThat(this.bus.bindingCalls()).containsExactlyInAnyOrder("bind chat.clan.c1", "bind chat.clan.c2",
				"unbind chat.clan.c1");
	}

	@Test
	void keepsClanIdsWithColonsApart() {
		this.clans.subscribe("eu:1", this.alice);
		this.clans.subscribe("eu", this.alice);

		this.clans.closed(this.alice, CloseStatus.NORMAL);

		assertThat(this.clans.sizes()).isEmpty();
		assertThat(this.bus.bindingCalls()).containsExactlyInAnyOrder("bind chat.clan.eu:1", "bind chat.clan.eu",
				"unbind chat.clan.eu:1", "unbind chat.clan.eu");
	}

	@Test
	void aSubscribeThatEndsAfterTheConnectionClosedLeavesNothingBehind() {
		FakeTransport transport = new FakeTransport();
		ClientSession closing = TestSessions.session("carol", transport);
		transport.closedByPeer();
		this.clans.closed(closing, CloseStatus.NO_CLOSE_FRAME);

		this.clans.subscribe("c1", closing);

		assertThat(this.clans.sizes()).isEmpty();
		assertThat(closing.subscriptions()).isEmpty();
		assertThat(this.bus.bindingCalls()).containsExactly("bind chat.clan.c1", "unbind chat.clan.c1");
	}

}
