package io.wsgateway.rooms;

import io.wsgateway.history.TestHistories;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.RecordingEventBus;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

class RoomRegistryTests {

	private final RecordingEventBus bus = RecordingEventBus.fake();

	private final RoomRegistry rooms = new RoomRegistry(this.bus, TestHistories.off());

	private final ClientSession alice = TestSessions.session("alice", new FakeTransport());

	private final ClientSession bob = TestSessions.session("bob", new FakeTransport());

	@Test
	void bindsTheRoomOnItsFirstMemberOnly() {
		assertThat(this.rooms.join("lobby", this.alice)).isEqualTo(1);
		assertThat(this.rooms.join("lobby", this.bob)).isEqualTo(2);

		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby");
		assertThat(this.rooms.members("lobby")).containsExactlyInAnyOrder(this.alice, this.bob);
		assertThat(this.rooms.sizes()).containsExactly(org.assertj.core.api.Assertions.entry("lobby", 2));
		assertThat(this.alice.rooms()).containsExactly("lobby");
	}

	@Test
	void joiningTwiceIsHarmless() {
		this.rooms.join("lobby", this.alice);

		assertThat(this.rooms.join("lobby", this.alice)).isEqualTo(1);

		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby");
		assertThat(this.rooms.members("lobby")).containsExactly(this.alice);
	}

	@Test
	void unbindsAndFreesTheRoomWhenTheLastMemberLeaves() {
		this.rooms.join("lobby", this.alice);
		this.rooms.join("lobby", this.bob);

		this.rooms.leave("lobby", this.alice);
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby");
		assertThat(this.rooms.members("lobby")).containsExactly(this.bob);

		this.rooms.leave("lobby", this.bob);
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby", "unbind room.lobby");
		assertThat(this.rooms.members("lobby")).isEmpty();
		assertThat(this.rooms.sizes()).isEmpty();
		assertThat(this.alice.rooms()).isEmpty();
		assertThat(this.bob.rooms()).isEmpty();
	}

	@Test
	void leavingIsIdempotent() {
		this.rooms.join("lobby", this.alice);
		this.rooms.join("lobby", this.bob);

		this.rooms.leave("lobby", this.alice);
		this.rooms.leave("lobby", this.alice);
		this.rooms.leave("elsewhere", this.alice);

		assertThat(this.rooms.members("lobby")).containsExactly(this.bob);
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby");

		this.rooms.leave("lobby", this.bob);
		this.rooms.leave("lobby", this.bob);
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby", "unbind room.lobby");
	}

	@Test
	void rejoiningAFreedRoomBindsItAgain() {
		this.rooms.join("lobby", this.alice);
		this.rooms.leave("lobby", this.alice);

		this.rooms.join("lobby", this.bob);

		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby", "unbind room.lobby", "bind room.lobby");
	}

	@Test
	void closedRemovesEveryMembershipOfTheSession() {
		this.rooms.join("lobby", this.alice);
		this.rooms.join("games", this.alice);
		this.rooms.join("games", this.bob);

		this.rooms.closed(this.alice, CloseStatus.NO_STATUS_CODE);

		assertThat(this.rooms.sizes()).containsOnlyKeys("games");
		assertThat(this.rooms.members("games")).containsExactly(this.bob);
		assertThat(this.alice.rooms()).isEmpty();
		assertThat(this.bus.bindingCalls()).containsExactlyInAnyOrder("bind room.lobby", "bind room.games",
				"unbind room.lobby");
	}

	@Test
	void membersIsAReadOnlyViewAndEmptyForUnknownRooms() {
		this.rooms.join("lobby", this.alice);

		assertThat(this.rooms.members("nowhere")).isEmpty();
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> this.rooms.members("lobby").clear())
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

		this.rooms.join("lobby", closing);

		assertThat(this.rooms.sizes()).isEmpty();
		assertThat(closing.rooms()).isEmpty();
		assertThat(this.bus.bindingCalls()).containsExactly("bind room.lobby", "unbind room.lobby");
	}

}
