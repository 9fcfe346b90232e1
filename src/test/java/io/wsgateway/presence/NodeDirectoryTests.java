package io.wsgateway.presence;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which nodes this node knows, which went silent, and which one is the oldest. */
class NodeDirectoryTests {

	private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");

	@Test
	void aNodeHeardForTheFirstTimeIsNewAndThenKnown() {
		NodeDirectory directory = new NodeDirectory("b-1", START, Duration.ofMinutes(1));
		assertThat(directory.heard("a-1", "a", START)).isTrue();
		assertThat(directory.heard("a-1", "a", START)).isFalse();
		assertThat(directory.knows("a-1")).isTrue();
		assertThat(directory.name("a-1")).isEqualTo("a");
		assertThat(directory.size()).isEqualTo(1);
	}

	@Test
	void anEarlierStartedNodeIsOlderAndTiesGoToTheLowerInstance() {
		NodeDirectory directory = new NodeDirectory("b-1", START, Duration.ofMinutes(1));
		assertThat(directory.isOldest()).isTrue();
		directory.heard("c-1", "c", START.plusSeconds(1));
		assertThat(directory.isOldest()).isTrue();
		directory.heard("a-0", "a", START);
		assertThat(directory.isOldest()).isFalse();
		directory.forget("a-0");
		directory.heard("a-1", "a", START.minusSeconds(1));
		assertThat(directory.isOldest()).isFalse();
		assertThat(directory.forget("a-1")).isEqualTo("a");
		assertThat(directory.isOldest()).isTrue();
	}

	@Test
	void aNodeNotHeardOfForLongerThanTheTimeoutIsSilent() throws InterruptedException {
		NodeDirectory directory = new NodeDirectory("b-1", START, Duration.ofMillis(50));
		directory.heard("a-1", "a", START);
		assertThat(directory.silent()).isEmpty();
		Thread.sleep(120);
		assertThat(directory.silent()).containsExactly("a-1");
		directory.heard("a-1", "a", START);
		assertThat(directory.silent()).isEmpty();
	}

	@Test
	void forgettingAnUnknownNodeReturnsNull() {
		NodeDirectory directory = new NodeDirectory("b-1", START, Duration.ofMinutes(1));
		assertThat(directory.forget("nobody")).isNull();
		assertThat(directory.isStarting()).isTrue();
	}

}
