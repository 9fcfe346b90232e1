package io.wsgateway.notifications;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelFamily;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.hub.TestHubs;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.RecordingEventBus;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationSubscriptionsTests {

	private static final ChannelFamily CLANS = TestHubs.family(Channel.CLAN, "chat.clan.", "clan_chat:");

	private final RecordingEventBus bus = RecordingEventBus.fake();

	private final ChannelHub hub = TestHubs.hub(this.bus);

	private final NotificationSubscriptions subscriptions = new NotificationSubscriptions(this.hub);

	private final ClientSession alicePhone = TestSessions.session("alice", new FakeTransport());

	private final ClientSession aliceLaptop = TestSessions.session("alice", new FakeTransport());

	private final ClientSession bob = TestSessions.session("bob", new FakeTransport());

	@Test
	void bindsTheUserAndTheBroadcastKeysOnFirstInterestOnly() {
		this.subscriptions.subscribe(this.alicePhone);
		this.subscriptions.subscribe(this.aliceLaptop);
		this.subscriptions.subscribe(this.bob);

		assertThat(this.bus.bindingCalls()).containsExactly("bind notification.user.alice",
				"bind notification.broadcast", "bind notification.user.bob");
		assertThat(this.hub.members(NotificationFamily.user("alice"))).containsExactlyInAnyOrder(this.alicePhone,
				this.aliceLaptop);
		assertThat(this.hub.members(NotificationFamily.user("bob"))).containsExactly(this.bob);
		assertThat(this.subscriptions.subscribers()).containsExactlyInAnyOrder(this.alicePhone, this.aliceLaptop,
				this.bob);
		assertThat(this.hub.subscriptionsOf(this.alicePhone)).containsExactly("notifications");
	}

	@Test
	void subscribingTwiceIsHarmless() {
		this.subscriptions.subscribe(this.alicePhone);
		this.subscriptions.subscribe(this.alicePhone);

		assertThat(this.bus.bindingCalls()).containsExactly("bind notification.user.alice",
				"bind notification.broadcast");
		assertThat(this.hub.members(NotificationFamily.user("alice"))).containsExactly(this.alicePhone);
	}

	@Test
	void unbindsTheUserKeyWithItsLastSessionAndTheBroadcastKeyWithTheLastSubscriber() {
		this.subscriptions.subscribe(this.alicePhone);
		this.subscriptions.subscribe(this.aliceLaptop);
		this.subscriptions.subscribe(this.bob);
		this.bus.clear();

		this.subscriptions.unsubscribe(this.alicePhone);
		assertThat(this.bus.bindingCalls()).isEmpty();

		this.subscriptions.unsubscribe(this.aliceLaptop);
		assertThat(this.bus.bindingCalls()).containsExactly("unbind notification.user.alice");
		assertThat(this.hub.members(NotificationFamily.user("alice"))).isEmpty();

		this.subscriptions.unsubscribe(this.bob);
		assertThat(this.bus.bindingCalls()).containsExactly("unbind notification.user.alice",
				"unbind notification.user.bob", "unbind notification.broadcast");
		assertThat(this.subscriptions.subscribers()).isEmpty();
	}

	@Test
	void unsubscribingIsIdempotent() {
		this.subscriptions.subscribe(this.bob);

		this.subscriptions.unsubscribe(this.alicePhone);
		this.subscriptions.unsubscribe(this.bob);
		this.subscriptions.unsubscribe(this.bob);

		assertThat(this.bus.bindingCalls()).containsExactly("bind notification.user.bob",
				"bind notification.broadcast", "unbind notification.user.bob", "unbind notification.broadcast");
	}

	@Test
	void resubscribingAfterEveryoneLeftBindsAgain() {
		this.subscriptions.subscribe(this.bob);
		this.subscriptions.unsubscribe(this.bob);
		this.bus.clear();

		this.subscriptions.subscribe(this.bob);

		assertThat(this.bus.bindingCalls()).containsExactly("bind notification.user.bob",
				"bind notification.broadcast");
	}

	@Test
	void closedEndsTheSubscriptionWithEveryOtherChannelOfTheSession() {
		this.hub.join(new Channel(CLANS, "c1"), this.alicePhone);
		this.subscriptions.subscribe(this.alicePhone);
		this.subscriptions.subscribe(this.bob);
		this.bus.clear();

		this.hub.closed(this.alicePhone, CloseStatus.NORMAL);

		assertThat(this.subscriptions.subscribers()).containsExactly(this.bob);
		assertThat(this.hub.subscriptionsOf(this.alicePhone)).isEmpty();
		assertThat(this.bus.bindingCalls()).containsExactlyInAnyOrder("unbind notification.user.alice",
				"unbind chat.clan.c1");
	}

	@Test
	void closedOfASessionThatNeverSubscribedChangesNothing() {
		this.subscriptions.subscribe(this.bob);
		this.bus.clear();

		this.hub.closed(this.alicePhone, CloseStatus.NORMAL);

		assertThat(this.bus.bindingCalls()).isEmpty();
		assertThat(this.subscriptions.subscribers()).containsExactly(this.bob);
	}

	@Test
	void aSubscribeThatEndsAfterTheConnectionClosedLeavesNothingBehind() {
		FakeTransport transport = new FakeTransport();
		ClientSession closing = TestSessions.session("carol", transport);
		transport.closedByPeer();
		this.hub.closed(closing, CloseStatus.NO_CLOSE_FRAME);

		this.subscriptions.subscribe(closing);

		assertThat(this.subscriptions.subscribers()).isEmpty();
		assertThat(this.hub.subscriptionsOf(closing)).isEmpty();
		assertThat(this.bus.bindingCalls()).containsExactly("bind notification.user.carol",
				"unbind notification.user.carol", "bind notification.broadcast", "unbind notification.broadcast");
	}

}
