package io.wsgateway.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The presence rules on their own, with a timer the test fires by hand. */
class PresenceLedgerTests {

	private static final Duration GRACE = Duration.ofSeconds(5);

	private final List<String> events = new ArrayList<>();

	private final ManualTimer timer = new ManualTimer();

	private final PresenceLedger ledger = new PresenceLedger(GRACE, this.timer, new PresenceLedger.Events() {

		@Override
		public void userConnected(PresenceLedger.Entry connection) {
			PresenceLedgerTests.this.events.add("connected " + connection.userId + " " + connection.id);
		}

		@Override
		public void userDisconnected(PresenceLedger.Entry lastConnection) {
			PresenceLedgerTests.this.events.add("disconnected " + lastConnection.userId + " " + lastConnection.id);
		}

		@Override
		public void roomJoined(String room, String userId) {
			PresenceLedgerTests.this.events.add("joined " + room + " " + userId);
		}

		@Override
		public void roomLeft(String room, String userId) {
			PresenceLedgerTests.this.events.add("left " + room + " " + userId);
		}

	});

	@Test
	void reportsAUsersFirstConnectionAndRoomOnce() {
		this.ledger.add(entry("c1", "a", "alice"), List.of("lobby"), false);
		this.ledger.add(entry("c2", "b", "alice"), List.of("lobby"), false);
		assertThat(this.events).containsExactly("connected alice c1", "joined lobby alice");
		assertThat(this.ledger.ofUser("alice")).extracting((entry) -> entry.id).containsExactly("c1", "c2");
		assertThat(this.ledger.inRoom("lobby")).containsOnlyKeys("alice");
		assertThat(this.ledger.inRoom("lobby").get("alice")).hasSize(2);
	}

	@Test
	void reportsDeparturesOnlyAfterTheGracePeriodOfTheLastConnection() {
		this.ledger.add(entry("c1", "a", "bob"), List.of("lobby"), false);
		this.ledger.add(entry("c2", "b", "bob"), List.of("lobby"), false);
		this.events.clear();
		this.ledger.remove("a", "c1");
		assertThat(this.timer.pending()).isZero();
		this.ledger.remove("b", "c2");
		assertThat(this.events).isEmpty();
		assertThat(this.timer.pending()).isEqualTo(2);
		assertThat(this.ledger.isLeaving("bob")).isTrue();
		this.timer.fireAll();
		assertThat(this.events).containsExactlyInAnyOrder("left lobby bob", "disconnected bob c2");
		assertThat(this.ledger.ofUser("bob")).isEmpty();
		assertThat(this.ledger.inRoom("lobby")).isEmpty();
	}

	@Test
	void aReturnWithinTheGracePeriodCancelsTheDepartureSilently() {
		this.ledger.add(entry("c1", "a", "carol"), List.of("lobby"), false);
		this.events.clear();
		this.ledger.remove("a", "c1");
		this.ledger.add(entry("c9", "b", "carol"), List.of(), false);
		this.ledger.join("b", "c9", "lobby", false);
		assertThat(this.timer.pending()).isZero();
		this.timer.fireAll();
		assertThat(this.events).isEmpty();
		assertThat(this.ledger.isLeaving("carol")).isFalse();
	}

	@Test
	void leavingARoomKeepsTheUserConnected() {
		this.ledger.add(entry("c1", "a", "dave"), List.of("lobby", "games"), false);
		this.events.clear();
		assertThat(this.ledger.leave("a", "c1", "games")).isTrue();
		assertThat(this.ledger.leave("a", "c1", "games")).isFalse();
		this.timer.fireAll();
		assertThat(this.events).containsExactly("left games dave");
	}

	@Test
	void silentAdditionsAreRecordedButNotReported() {
		this.ledger.add(entry("c1", "a", "erin"), List.of("lobby"), true);
		assertThat(this.events).isEmpty();
		assertThat(this.ledger.ofUser("erin")).hasSize(1);
		this.ledger.remove("a", "c1");
		this.timer.fireAll();
		assertThat(this.events).containsExactlyInAnyOrder("left lobby erin", "disconnected erin c1");
	}

	@Test
	void aSnapshotReplacesWhatItsNodeReportedBefore() {
		this.ledger.add(entry("c1", "a", "fay"), List.of("lobby"), false);
		this.ledger.add(entry("c2", "a", "gus"), List.of("lobby"), false);
		this.ledger.add(entry("c3", "b", "hal"), List.of("lobby"), false);
		this.events.clear();
		this.ledger.replace("a",
				List.of(new PresenceLedger.Reported(entry("c1", "a", "fay"), Set.of("games")),
						new PresenceLedger.Reported(entry("c4", "a", "ivy"), Set.of())),
				false);
		this.timer.fireAll();
		assertThat(this.events).containsExactlyInAnyOrder("joined games fay", "connected ivy c4", "left lobby fay",
				"left lobby gus", "disconnected gus c2");
		assertThat(this.ledger.ofInstance("a")).extracting((entry) -> entry.id).containsExactlyInAnyOrder("c1", "c4");
		assertThat(this.ledger.ofInstance("b")).extracting((entry) -> entry.id).containsExactly("c3");
	}

	@Test
	void aNodeCannotTouchAnotherNodesConnections() {
		this.ledger.add(entry("c1", "a", "jo"), List.of(), false);
		this.ledger.remove("b", "c1");
		assertThat(this.ledger.join("b", "c1", "lobby", false)).isFalse();
		assertThat(this.ledger.get("c1")).isNotNull();
		assertThat(this.ledger.inRoom("lobby")).isEmpty();
	}

	@Test
	void countsARoomsMembersOnOtherNodes() {
		this.ledger.add(entry("c1", "a", "lee"), List.of("lobby"), false);
		this.ledger.add(entry("c2", "b", "lee"), List.of("lobby"), false);
		this.ledger.add(entry("c3", "b", "max"), List.of("lobby", "games"), false);
		this.ledger.add(entry("c4", "c", "ned"), List.of(), false);
		assertThat(this.ledger.membersElsewhere("lobby", "a")).isEqualTo(2);
		assertThat(this.ledger.membersElsewhere("lobby", "b")).isEqualTo(1);
		assertThat(this.ledger.membersElsewhere("games", "b")).isZero();
		assertThat(this.ledger.membersElsewhere("nowhere", "a")).isZero();

		this.ledger.join("c", "c4", "lobby", false);
		this.ledger.join("b", "c3", "lobby", false);
		assertThat(this.ledger.membersElsewhere("lobby", "a")).isEqualTo(3);
		this.ledger.leave("b", "c3", "lobby");
		this.ledger.remove("b", "c2");
		assertThat(this.ledger.membersElsewhere("lobby", "a")).isEqualTo(1);
		this.ledger.replace("c", List.of(), false);
		assertThat(this.ledger.membersElsewhere("lobby", "a")).isZero();
		assertThat(this.ledger.membersElsewhere("lobby", "b")).isEqualTo(1);
		this.ledger.remove("a", "c1");
		assertThat(this.ledger.membersElsewhere("lobby", "b")).isZero();
		assertThat(this.ledger.membersElsewhere("games", "a")).isEqualTo(1);
	}

	@Test
	void withoutAGracePeriodDeparturesAreReportedAtOnce() {
		List<String> immediate = new ArrayList<>();
		PresenceLedger ledger = new PresenceLedger(Duration.ZERO, this.timer, new PresenceLedger.Events() {

			@Override
			public void userConnected(PresenceLedger.Entry connection) {
			}

			@Override
			public void userDisconnected(PresenceLedger.Entry lastConnection) {
				immediate.add("disconnected " + lastConnection.userId);
			}

			@Override
			public void roomJoined(String room, String userId) {
			}

			@Override
			public void roomLeft(String room, String userId) {
				immediate.add("left " + room);
			}

		});
		ledger.add(entry("c1", "a", "kim"), List.of("lobby"), false);
		ledger.remove("a", "c1");
		assertThat(immediate).containsExactly("left lobby", "disconnected kim");
		assertThat(this.timer.pending()).isZero();
	}

	private static PresenceLedger.Entry entry(String id, String instance, String userId) {
		return new PresenceLedger.Entry(id, instance, "node-" + instance, userId, "192.0.2.1", "agent",
				Instant.parse("2026-01-01T00:00:00Z"), null);
	}

	/** Grace timers that run only when the test says so. */
	private static final class ManualTimer implements PresenceLedger.Timer {

		private final List<Runnable> tasks = new ArrayList<>();

		@Override
		public Runnable schedule(Duration delay, Runnable task) {
			this.tasks.add(task);
			return () -> this.tasks.remove(task);
		}

		int pending() {
			return this.tasks.size();
		}

		void fireAll() {
			List<Runnable> due = new ArrayList<>(this.tasks);
			this.tasks.clear();
			due.forEach(Runnable::run);
		}

	}

}
