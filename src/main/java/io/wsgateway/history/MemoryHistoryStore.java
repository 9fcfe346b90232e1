package io.wsgateway.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.wsgateway.history.HistoryProperties.Retention;

/**
 * The {@code memory} store: a ring of at most {@code size} messages per channel on this
 * node, lost on restart. A channel silent for {@code ttl} is forgotten with its epoch; the
 * channels are swept every {@value #SWEEP_EVERY} appends so that forgotten channels free
 * their memory even when nobody reads them again. {@code dedupe} keys are not needed with
 * one node and are ignored.
 */
final class MemoryHistoryStore implements HistoryStore {

	static final int SWEEP_EVERY = 1024;

	private final ConcurrentHashMap<String, Ring> channels = new ConcurrentHashMap<>();

	private final AtomicLong appends = new AtomicLong();

	private final LongSupplier clock;

	/** @param clock the time in milliseconds (the system clock, or a test's) */
	MemoryHistoryStore(LongSupplier clock) {
		this.clock = clock;
	}

	@Override
	public Stamp append(String channel, Retention retention, String frame, String excluded, String dedupe) {
		if (this.appends.incrementAndGet() % SWEEP_EVERY == 0) {
			sweep();
		}
		long now = this.clock.getAsLong();
		Ring ring = ring(channel, retention, now);
		synchronized (ring) {
			ring.trim(now, retention);
			long offset = ++ring.offset;
			ring.entries.addLast(new Timed(new Entry(offset, frame, excluded), now));
			if (ring.entries.size() > retention.size()) {
				ring.entries.removeFirst();
			}
			ring.lastAppend = now;
			return new Stamp(offset, ring.epoch);
		}
	}

	@Override
	public Snapshot read(String channel, Retention retention, long after, long upTo, int limit) {
		long now = this.clock.getAsLong();
		Ring ring = ring(channel, retention, now);
		synchronized (ring) {
			ring.trim(now, retention);
			long high = (upTo < 0) ? ring.offset : Math.min(upTo, ring.offset);
			List<Entry> entries = new ArrayList<>();
			if (after >= 0 && high > after && high - after <= limit) {
				for (Timed timed : ring.entries) {
					if (timed.entry.offset() > after && timed.entry.offset() <= high) {
						entries.add(timed.entry);
					}
				}
			}
			return new Snapshot(ring.epoch, ring.offset, ring.first(), entries);
		}
	}

	@Override
	public Snapshot newest(String channel, Retention retention, long before, int limit) {
		long now = this.clock.getAsLong();
		Ring ring = ring(channel, retention, now);
		synchronized (ring) {
			ring.trim(now, retention);
			ArrayDeque<Entry> newest = new ArrayDeque<>();
			Iterator<Timed> descending = ring.entries.descendingIterator();
			while (descending.hasNext() && newest.size() < limit) {
				Entry entry = descending.next().entry;
				if (before <= 0 || entry.offset() < before) {
					newest.addFirst(entry);
				}
			}
			return new Snapshot(ring.epoch, ring.offset, ring.first(), List.copyOf(newest));
		}
	}

	@Override
	public void withdraw(String channel, long offset) {
		Ring ring = this.channels.get(channel);
		if (ring != null) {
			synchronized (ring) {
				ring.entries.removeIf((timed) -> timed.entry.offset() == offset);
			}
		}
	}

	@Override
	public Map<String, Object> stats(List<String> local) {
		sweep();
		long messages = 0;
		for (Ring ring : this.channels.values()) {
			synchronized (ring) {
				messages += ring.entries.size();
			}
		}
		Map<String, Object> stats = new LinkedHashMap<>();
		stats.put("store", "memory");
		stats.put("storedChannels", this.channels.size());
		stats.put("storedMessages", messages);
		return stats;
	}

	/** Forgets every channel silent for its ttl. */
	void sweep() {
		long now = this.clock.getAsLong();
		this.channels.values().removeIf((ring) -> ring.expired(now));
	}

	private Ring ring(String channel, Retention retention, long now) {
		return this.channels.compute(channel, (name, ring) -> (ring == null || ring.expired(now))
				? new Ring(Epochs.next(), retention.ttl().toMillis(), now) : ring);
	}

	private record Timed(Entry entry, long time) {
	}

	private static final class Ring {

		private final String epoch;

		private final long ttl;

		private final ArrayDeque<Timed> entries = new ArrayDeque<>();

		private long offset;

		private volatile long lastAppend;

		Ring(String epoch, long ttl, long now) {
			this.epoch = epoch;
			this.ttl = ttl;
			this.lastAppend = now;
		}

		boolean expired(long now) {
			return now - this.lastAppend >= this.ttl;
		}

		void trim(long now, Retention retention) {
			long oldest = now - retention.ttl().toMillis();
			while (!this.entries.isEmpty() && this.entries.peekFirst().time < oldest) {
				this.entries.removeFirst();
			}
		}

		long first() {
			return this.entries.isEmpty() ? 0 : this.entries.peekFirst().entry.offset();
		}

	}

}
