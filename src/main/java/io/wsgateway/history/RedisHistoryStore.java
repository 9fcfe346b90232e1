package io.wsgateway.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.wsgateway.history.HistoryProperties.Retention;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The {@code redis} store: one Redis stream per channel, with an offset counter and the
 * epoch beside it, all under the channel's hash tag (one cluster slot). Every operation is
 * one call of {@code history.lua}, so that assigning an offset and appending, or reading
 * the epoch, offset and messages, are each one atomic step. Entries are
 * {@code <offset>-0}, so a stream id is the offset; {@code XADD MAXLEN size} keeps at most
 * {@code size}, every append sets the keys' expiry to {@code ttl}, and entries older than
 * {@code ttl} are trimmed from the head. A Redis restarted empty has no epoch key: the
 * next call creates a new epoch, so offsets of the lost history are never reused.
 */
final class RedisHistoryStore implements HistoryStore {

	private static final RedisScript<List<Object>> SCRIPT = script();

	/** The most channels whose messages {@link #stats} counts. */
	static final int STATS_CHANNELS = 1000;

	private final StringRedisTemplate redis;

	private final String prefix;

	private final LongSupplier clock;

	RedisHistoryStore(StringRedisTemplate redis, String prefix, LongSupplier clock) {
		this.redis = redis;
		this.prefix = prefix;
		this.clock = clock;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static RedisScript<List<Object>> script() {
		DefaultRedisScript<List> script = new DefaultRedisScript<>();
		script.setLocation(new ClassPathResource("io/wsgateway/history/history.lua"));
		script.setResultType(List.class);
		return (RedisScript) script;
	}

	@Override
	public Stamp append(String channel, Retention retention, String frame, String excluded, String dedupe) {
		List<String> keys = keys(channel);
		if (dedupe != null) {
			keys.add(key(channel, "d:" + dedupe));
		}
		List<Object> result = run(keys, "append", retention, frame, (excluded != null) ? excluded : "",
				Integer.toString(retention.size()));
		return new Stamp(number(result.get(0)), (String) result.get(1));
	}

	@Override
	public Snapshot read(String channel, Retention retention, long after, long upTo, int limit) {
		return snapshot(run(keys(channel), "after", retention, Long.toString(after), Long.toString(upTo),
				Integer.toString(limit)));
	}

	@Override
	public Snapshot newest(String channel, Retention retention, long before, int limit) {
		return snapshot(run(keys(channel), "before", retention, Long.toString(before), Integer.toString(limit)));
	}

	@Override
	public void withdraw(String channel, long offset) {
		this.redis.opsForStream().delete(key(channel, "s"), offset + "-0");
	}

	@Override
	public Map<String, Object> stats(List<String> local) {
		long messages = 0;
		// One XLEN per channel on every read of the endpoint: a node with more channels counts the first ones.
		for (String channel : local.subList(0, Math.min(local.size(), STATS_CHANNELS))) {
			Long size = this.redis.opsForStream().size(key(channel, "s"));
			messages += (size != null) ? size : 0;
		}
		Map<String, Object> stats = new LinkedHashMap<>();
		stats.put("store", "redis");
		stats.put("storedMessages", messages);
		return stats;
	}

	/** Returns the keys of one channel: stream, offset counter, epoch. */
	List<String> keys(String channel) {
		return new ArrayList<>(List.of(key(channel, "s"), key(channel, "o"), key(channel, "e")));
	}

	private String key(String channel, String suffix) {
		return this.prefix + "{" + channel + "}:" + suffix;
	}

	private List<Object> run(List<String> keys, String mode, Retention retention, String... more) {
		List<String> arguments = new ArrayList<>(List.of(mode, Long.toString(this.clock.getAsLong()),
				Long.toString(retention.ttl().toMillis()), Epochs.next()));
		arguments.addAll(List.of(more));
		List<Object> result = this.redis.execute(SCRIPT, keys, arguments.toArray());
		if (result == null) {
			throw new IllegalStateException("the history script returned nothing");
		}
		return result;
	}

	private static Snapshot snapshot(List<Object> result) {
		List<Entry> entries = new ArrayList<>((result.size() - 3) / 3);
		for (int i = 3; i + 2 < result.size(); i += 3) {
			String excluded = (String) result.get(i + 2);
			entries.add(new Entry(number(result.get(i)), (String) result.get(i + 1),
					(excluded == null || excluded.isEmpty()) ? null : excluded));
		}
		return new Snapshot((String) result.get(0), number(result.get(1)), number(result.get(2)), entries);
	}

	private static long number(Object value) {
		return (value instanceof Number number) ? number.longValue() : Long.parseLong(value.toString());
	}

}
