package io.wsgateway.history;

import java.util.List;
import java.util.Map;

import io.wsgateway.history.HistoryProperties.Retention;

/**
 * Where the messages of channels with history are kept, with their offsets and epochs. A
 * channel ({@code room:<room>}, {@code clan:<clanId>}) has an epoch, created on first use
 * and again whenever its history was lost (expired after {@code ttl} of silence, a store
 * restarted empty), and offsets from 1 within it. Implementations are thread-safe and
 * bounded: at most {@code retention.size()} messages per channel, none older than
 * {@code retention.ttl()}. Every method may throw a {@link RuntimeException} when the store
 * cannot be reached; callers answer {@code service_unavailable} for what needs it.
 */
interface HistoryStore {

	/**
	 * Assigns the next offset of the channel to a message and keeps it, in one atomic step,
	 * so that the offset is the same for the whole cluster. Called once per message a node
	 * publishes (a client's or the server API's), before it goes on the bus; and for a
	 * backend's event by every node that receives it, with the same {@code dedupe} key.
	 * @param frame the client frame without {@code offset} and {@code epoch}
	 * @param excluded the connection that must not receive it (the sender's), or {@code null}
	 * @param dedupe a key naming the message the same way on every node, or {@code null}:
	 * every call with a key already seen in the channel's epoch, within {@code ttl}, returns
	 * the offset the first call got and keeps nothing
	 * @return the message's offset and the channel's epoch
	 */
	Stamp append(String channel, Retention retention, String frame, String excluded, String dedupe);

	/**
	 * Reads the channel's epoch (creating one for a channel without), its current offset (0
	 * when nothing was ever kept in the epoch) and, when {@code after} is 0 or more, the
	 * messages with offsets from {@code after + 1} up to {@code upTo} (or the current offset
	 * when {@code upTo} is negative), oldest first, but none at all if that is more than
	 * {@code limit}. Called for joins and recoveries, and to fill gaps.
	 */
	Snapshot read(String channel, Retention retention, long after, long upTo, int limit);

	/**
	 * Reads the channel's epoch and current offset and its newest {@code limit} messages with
	 * an offset below {@code before} (below the end when {@code before} is 0), oldest
	 * first. Called for {@code history} requests.
	 */
	Snapshot newest(String channel, Retention retention, long before, int limit);

	/**
	 * Removes a message whose publish failed after it was appended, so that no node fills a
	 * gap or a recovery with a message its sender was told was refused. The offset stays
	 * used.
	 */
	void withdraw(String channel, long offset);

	/** Returns figures for {@code /actuator/websocket}: the store's kind and what it can count cheaply. */
	Map<String, Object> stats(List<String> channels);

	/** An offset assigned to a message and the epoch it belongs to. */
	record Stamp(long offset, String epoch) {
	}

	/**
	 * One kept message.
	 * @param frame its client frame without {@code offset} and {@code epoch}
	 * @param excluded the connection that must not receive it, or {@code null}
	 */
	record Entry(long offset, String frame, String excluded) {
	}

	/**
	 * What a read saw, all at one moment.
	 * @param first the offset of the oldest message kept, 0 when none is
	 * @param entries the messages asked for, oldest first
	 */
	record Snapshot(String epoch, long offset, long first, List<Entry> entries) {
	}

}
