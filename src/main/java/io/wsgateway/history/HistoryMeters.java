package io.wsgateway.history;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The history meters: {@code gateway.history.recoveries{outcome}} for every {@code recover},
 * {@code gateway.history.gaps.filled} for messages a node read from the store because it
 * never received them, and {@code gateway.history.store.failures} for operations the store
 * did not answer.
 */
@Component
class HistoryMeters {

	/** How a {@code recover} ended. */
	enum Outcome {

		/** Every missed message was replayed (possibly none). */
		RECOVERED,

		/** The client's epoch is not the channel's. */
		EPOCH_CHANGED,

		/** Messages after the client's offset are no longer kept. */
		TOO_OLD,

		/** More than {@code recovery-limit} messages were missed. */
		TOO_MANY,

		/** The client's offset is ahead of the channel's. */
		AHEAD,

		/** The channel's family keeps no history. */
		NO_HISTORY;

		String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private final MeterRegistry registry;

	private final Map<Outcome, Counter> recoveries = new ConcurrentHashMap<>();

	private final Counter gapsFilled;

	private final Counter storeFailures;

	HistoryMeters(MeterRegistry registry) {
		this.registry = registry;
		this.gapsFilled = Counter.builder("gateway.history.gaps.filled")
			.description("Messages a node read from the history store because it never received them")
			.register(registry);
		this.storeFailures = Counter.builder("gateway.history.store.failures")
			.description("History store operations that failed (store unreachable or too slow)")
			.register(registry);
	}

	void recovery(Outcome outcome) {
		this.recoveries
			.computeIfAbsent(outcome,
					(key) -> Counter.builder("gateway.history.recoveries")
						.description("Recoveries asked for with recover, by outcome")
						.tag("outcome", key.tag())
						.register(this.registry))
			.increment();
	}

	void gapsFilled(int messages) {
		this.gapsFilled.increment(messages);
	}

	void storeFailed() {
		this.storeFailures.increment();
	}

}
