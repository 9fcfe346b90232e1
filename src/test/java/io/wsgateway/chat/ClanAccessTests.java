package io.wsgateway.chat;

import java.util.Set;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.hub.TestHubs;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientIdentity;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.RecordingEventBus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The clan chat family on the hub, and which subscriptions a refreshed token still allows. */
class ClanAccessTests {

	private final RecordingEventBus bus = RecordingEventBus.fake();

	private final ChannelHub hub = TestHubs.hub(this.bus);

	private final ClanAccess access = new ClanAccess(this.hub, new MessageCodec());

	private final FakeTransport transport = new FakeTransport();

	private final ClientSession alice = TestSessions
		.session(TestSessions.identity("alice", Set.of(), Set.of("c1", "c2", "eu:1")), this.transport);

	@Test
	void aClanChatShowsAsItsSubscriptionAndKeepsClanIdsWithColonsApart() {
		this.hub.join(ClanFamily.clan("eu:1"), this.alice);
		this.hub.join(ClanFamily.clan("eu"), this.alice);

		assertThat(this.hub.subscriptionsOf(this.alice)).containsExactlyInAnyOrder("clan_chat:eu:1", "clan_chat:eu");
		assertThat(this.bus.bindingCalls()).containsExactly("bind chat.clan.eu:1", "bind chat.clan.eu");
		assertThat(this.hub.sizes(Channel.CLAN)).containsOnlyKeys("eu:1", "eu");
	}

	@Test
	void aRefreshThatDropsAClanEndsThatSubscriptionOnlyAndSaysSo() {
		this.hub.join(ClanFamily.clan("c1"), this.alice);
		this.hub.join(ClanFamily.clan("c2"), this.alice);
		ClientIdentity previous = this.alice.identity();

		this.alice.refreshIdentity(TestSessions.identity("alice", Set.of(), Set.of("c2")));
		this.access.identityChanged(this.alice, previous);

		assertThat(this.hub.isMember(ClanFamily.clan("c1"), this.alice)).isFalse();
		assertThat(this.hub.isMember(ClanFamily.clan("c2"), this.alice)).isTrue();
		assertThat(this.transport.texts()).containsExactly(
				"{\"type\":\"subscription_confirmed\",\"service\":\"clan_chat\",\"clanId\":\"c1\",\"status\":\"unsubscribed\"}");
	}

	@Test
	void aRefreshThatKeepsEveryClanChangesNothing() {
		this.hub.join(ClanFamily.clan("c1"), this.alice);
		ClientIdentity previous = this.alice.identity();

		this.access.identityChanged(this.alice, previous);

		assertThat(this.hub.isMember(ClanFamily.clan("c1"), this.alice)).isTrue();
		assertThat(this.transport.texts()).isEmpty();
	}

}
