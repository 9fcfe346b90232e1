package io.wsgateway.hub;

import java.util.ArrayList;
import java.util.List;

import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.RecordingEventBus;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** Membership, binding on the first and last local member, and the join that races a close. */
class ChannelHubTests {

	private static final ChannelFamily ROOMS = TestHubs.family(Channel.ROOM, "room.", null);

	private static final ChannelFamily CLANS = TestHubs.family(Channel.CLAN, "chat.clan.", "clan_chat:");

	private static final Channel LOBBY = new Channel(ROOMS, "lobby");

	private static final Channel GAMES = new Channel(ROOMS, "games");

	private final RecordingEventBus bus = RecordingEventBus.fake();

	private final List<Channel> closedChannels = new ArrayList<>();

	private final ChannelHub rooms = new ChannelHub(this.bus, new FanOut(1, 1), List.of(this.closedChannels::add));

	private final ClientSession alice = TestSessions.session("alice", new FakeTransport());

	private final ClientSession bob = TestSessions.session("bob", new FakeTransport());

	@Test
	void bindsTheRoomOnItsFirstMemberOnly() {
		assertThat(this.rooms.join(LOBBY, this.alice)).isEqualTo(1);
		assertThat(this.rooms.join(LOBBY, this.bob)).isEqualTo(2);

		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby");
		assertThat(this.rooms.members(LOBBY)).containsExactlyInAnyOrder(this.alice, this.bob);
		assertThat(this.rooms.sizes(Channel.ROOM)).containsExactly(entry("lobby", 2));
		assertThat(this.rooms.channelsOf(this.alice, Channel.ROOM)).containsExactly("lobby");
	}

	@Test
	void joiningTwiceIsHarmless() {
		this.rooms.join(LOBBY, this.alice);

		assertThat(this.rooms.join(LOBBY, this.alice)).isEqualTo(1);

		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby");
		assertThat(this.rooms.members(LOBBY)).containsExactly(this.alice);
	}

	@Test
	void unbindsAndFreesTheRoomWhenTheLastMemberLeaves() {
		this.rooms.join(LOBBY, this.alice);
		this.rooms.join(LOBBY, this.bob);

		this.rooms.leave(LOBBY, this.alice);
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby");
		assertThat(this.rooms.members(LOBBY)).containsExactly(this.bob);

		assertThat(this.closedChannels).isEmpty();
		this.rooms.leave(LOBBY, this.bob);
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby", "unbind room.lobby");
		assertThat(this.closedChannels).containsExactly(LOBBY);
		assertThat(this.rooms.members(LOBBY)).isEmpty();
		assertThat(this.rooms.sizes(Channel.ROOM)).isEmpty();
		assertThat(this.rooms.channelsOf(this.alice, Channel.ROOM)).isEmpty();
		assertThat(this.rooms.channelsOf(this.bob, Channel.ROOM)).isEmpty();
	}

	@Test
	void leavingIsIdempotent() {
		this.rooms.join(LOBBY, this.alice);
		this.rooms.join(LOBBY, this.bob);

		this.rooms.leave(LOBBY, this.alice);
		this.rooms.leave(LOBBY, this.alice);
		this.rooms.leave(new Channel(ROOMS, "elsewhere"), this.alice);

		assertThat(this.rooms.members(LOBBY)).containsExactly(this.bob);
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby");

		this.rooms.leave(LOBBY, this.bob);
		this.rooms.leave(LOBBY, this.bob);
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby", "unbind room.lobby");
	}

	@Test
	void rejoiningAFreedRoomBindsItAgain() {
		this.rooms.join(LOBBY, this.alice);
		this.rooms.leave(LOBBY, this.alice);

		this.rooms.join(LOBBY, this.bob);

		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby", "unbind room.lobby", "bind room.lobby");
	}

	@Test
	void closedRemovesEveryMembershipOfTheSession() {
		this.rooms.join(LOBBY, this.alice);
		this.rooms.join(GAMES, this.alice);
		this.rooms.join(GAMES, this.bob);

		this.rooms.closed(this.alice, CloseStatus.NO_STATUS_CODE);

		assertThat(this.rooms.sizes(Channel.ROOM)).containsOnlyKeys("games");
		assertThat(this.rooms.members(GAMES)).containsExactly(this.bob);
		assertThat(this.rooms.channelsOf(this.alice, Channel.ROOM)).isEmpty();
		assertThat(this.bus.bindingCalls()).containsExactlyInAnyOrder("bind room.lobby", "bind room.games",
				"unbind room.lobby");
	}

	@Test
	void membersIsAReadOnlyViewAndEmptyForUnknownRooms() {
		this.rooms.join(LOBBY, this.alice);

		assertThat(this.rooms.members(new Channel(ROOMS, "nowhere"))).isEmpty();
		assertThatThrownBy(() -> this.rooms.members(LOBBY).clear())
			.isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void aJoinThatEndsAfterTheConnectionClosedLeavesNothingBehind() {
		// the clean-up of a connection dropped from another thread (slow consumer, timers)
		// can run while a join of the same connection is still under way
		FakeTransport transport = new FakeTransport();
		ClientSession closing = TestSessions.session("carol", transport);
		transport.closedByPeer();
		this.rooms.closed(closing, CloseStatus.NO_CLOSE_FRAME);

		this.rooms.join(LOBBY, closing);

		assertThat(this.rooms.sizes(Channel.ROOM)).isEmpty();
		assertThat(this.rooms.channelsOf(closing, Channel.ROOM)).isEmpty();
		assertThat(this.rooms.isMember(LOBBY, closing)).isFalse();
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby", "unbind room.lobby");
	}

	@Test
	void familiesAreSeparateAndOnlySubscriptionsShowAsSuch() {
		this.rooms.join(LOBBY, this.alice);
		this.rooms.join(new Channel(CLANS, "lobby"), this.alice);

		assertThat(this.rooms.members(LOBBY)).containsExactly(this.alice);
		assertThat(this.rooms.sizes(Channel.CLAN)).containsOnlyKeys("lobby");
		assertThat(this.rooms.channelsOf(this.alice, Channel.CLAN)).containsExactly("lobby");
		assertThat(this.rooms.subscriptionsOf(this.alice)).containsExactly("clan_chat:lobby");
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby", "bind chat.clan.lobby");
		assertThat(this.rooms.leave(new Channel(CLANS, "lobby"), this.alice)).isTrue();
		assertThat(this.rooms.leave(new Channel(CLANS, "lobby"), this.alice)).isFalse();
		assertThat(this.rooms.isMember(LOBBY, this.alice)).isTrue();
		assertThat(this.rooms.isMember(this.alice, Channel.ROOM, "lobby")).isTrue();
		assertThat(this.rooms.isMember(this.alice, Channel.CLAN, "lobby")).isFalse();
		assertThat(this.closedChannels).containsExactly(new Channel(CLANS, "lobby"));
	}

	@Test
	void deliversOneFrameToEveryMemberButTheExcludedConnection() {
		FakeTransport aliceSocket = new FakeTransport();
		FakeTransport bobSocket = new FakeTransport();
		ClientSession alice = TestSessions.session("alice", aliceSocket);
		ClientSession bob = TestSessions.session("bob", bobSocket);
		this.rooms.join(LOBBY, alice);
		this.rooms.join(LOBBY, bob);

		int members = this.rooms.deliver(LOBBY, OutboundFrame.of("{\"type\":\"room_message\"}", "room_message"),
				alice.id());

		assertThat(members).isEqualTo(2);
		assertThat(aliceSocket.texts()).isEmpty();
		assertThat(bobSocket.texts()).containsExactly("{\"type\":\"room_message\"}");
	}

}
