package io.wsgateway.presence;

import java.time.Duration;

import io.wsgateway.NodeIdentity;
import io.wsgateway.NodeProperties;
import io.wsgateway.hub.TestHubs;
import io.wsgateway.ops.TestGatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.RecordingEventBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** Which of one node's connections hear of arrivals and departures, without a grace period or a broker. */
class ClusterPresenceTests {

	private final ClusterPresence presence = new ClusterPresence(RecordingEventBus.fake(),
			TestHubs.hub(RecordingEventBus.fake()), new MessageCodec(),
			TestGatewayMetrics.create(), new NodeIdentity(new NodeProperties("test")),
			new PresenceProperties(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(15)));

	@AfterEach
	void stop() {
		this.presence.destroy();
	}

	@Test
	void onlyMembersWhoAskedHearOfOthersAndNeverOfThemselves() {
		FakeTransport watcher = new FakeTransport();
		FakeTransport quiet = new FakeTransport();
		FakeTransport self = new FakeTransport();
		ClientSession selfSession = open("wes", self);
		this.presence.joined(open("wes", watcher), "lobby", true);
		this.presence.joined(open("quinn", quiet), "lobby", false);
		this.presence.joined(selfSession, "lobby", true);
		this.presence.joined(open("ann", new FakeTransport()), "lobby", false);

		assertThat(watcher.texts()).containsExactly(presence("lobby", "quinn", "joined"),
				presence("lobby", "ann", "joined"));
		assertThat(quiet.texts()).isEmpty();
		assertThat(self.texts()).containsExactly(presence("lobby", "ann", "joined"));
	}

	@Test
	void aMemberStopsHearingAfterLeavingClosingOrJoiningAgainWithoutTheFlag() {
		FakeTransport first = new FakeTransport();
		FakeTransport second = new FakeTransport();
		FakeTransport third = new FakeTransport();
		ClientSession firstSession = open("una", first);
		ClientSession secondSession = open("vic", second);
		ClientSession thirdSession = open("wyn", third);
		this.presence.joined(firstSession, "lobby", true);
		this.presence.joined(secondSession, "lobby", true);
		this.presence.joined(thirdSession, "lobby", true);
		this.presence.joined(firstSession, "games", true);

		this.presence.left(firstSession, "lobby");
		this.presence.closed(secondSession, CloseStatus.NORMAL);
		this.presence.joined(thirdSession, "lobby", false);
		this.presence.joined(open("xan", new FakeTransport()), "lobby", false);
		this.presence.joined(open("yul", new FakeTransport()), "games", false);

		assertThat(first.texts()).containsExactly(presence("lobby", "vic", "joined"),
				presence("lobby", "wyn", "joined"), presence("games", "yul", "joined"));
		assertThat(second.texts()).containsExactly(presence("lobby", "wyn", "joined"),
				presence("lobby", "una", "left"));
		assertThat(third.texts()).containsExactly(presence("lobby", "una", "left"), presence("lobby", "vic", "left"));
	}

	@Test
	void countsNoRemoteMembersOnASingleNode() {
		this.presence.joined(open("zed", new FakeTransport()), "lobby", false);
		assertThat(this.presence.remoteMembers("lobby")).isZero();
		assertThat(this.presence.room("lobby").members()).isEqualTo(1);
	}

	private ClientSession open(String userId, FakeTransport transport) {
		ClientSession session = TestSessions.session(userId, transport);
		this.presence.opened(session);
		return session;
	}

	private static String presence(String room, String userId, String action) {
		return "{\"type\":\"presence\",\"room\":\"" + room + "\",\"userId\":\"" + userId + "\",\"action\":\"" + action
				+ "\"}";
	}

}
