package io.wsgateway.history;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Builds {@link ChannelHistory} outside Spring, for unit tests in other packages. */
public final class TestHistories {

	private TestHistories() {
	}

	/** History off for both families, as by default. */
	public static ChannelHistory off() {
		return memory(0, 0);
	}

	/** The memory store with the given sizes, the default ttls and recovery limit. */
	public static ChannelHistory memory(int roomsSize, int clansSize) {
		HistoryProperties properties = new HistoryProperties(HistoryProperties.Store.MEMORY,
				new HistoryProperties.Retention(roomsSize, null), new HistoryProperties.Retention(clansSize, null), 300,
				"test:");
		return new ChannelHistory(new MemoryHistoryStore(System::currentTimeMillis), properties,
				new HistoryMeters(new SimpleMeterRegistry()));
	}

}
