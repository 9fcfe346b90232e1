package io.wsgateway.history;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.wsgateway.history.HistoryProperties.Retention;
import io.wsgateway.history.HistoryStore.Entry;
import io.wsgateway.history.HistoryStore.Snapshot;
import io.wsgateway.history.HistoryStore.Stamp;
import io.wsgateway.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@link HistoryStore} contract, for the memory store and for the redis store on a real Redis. */
class HistoryStoreTests {

	private static final Retention RETENTION = new Retention(5, Duration.ofMinutes(10));

	private static StringRedisTemplate redis;

	private final AtomicLong clock = new AtomicLong(1_000_000);

	static Stream<String> stores() {
		return Stream.of("memory", "redis");
	}

	private HistoryStore store(String kind) {
		if (kind.equals("memory")) {
			return new MemoryHistoryStore(this.clock::get);
		}
		return new RedisHistoryStore(redis(), RedisServer.uniquePrefix(), this.clock::get);
	}

	private static synchronized StringRedisTemplate redis() {
		if (redis == null) {
			redis = RedisServer.get().template(0);
		}
		return redis;
	}

	@AfterAll
	static void closeRedis() {
		if (redis != null) {
			((LettuceConnectionFactory) redis.getConnectionFactory()).destroy();
		}
	}

	@ParameterizedTest
	@MethodSource("stores")
	void numbersMessagesFromOneInOneEpoch(String kind) {
		HistoryStore store = store(kind);
		Snapshot empty = store.read("room:a", RETENTION, -1, -1, 10);
		Stamp first = store.append("room:a", RETENTION, "{\"type\":\"room_message\",\"n\":1}", "c1", null);
		Stamp second = store.append("room:a", RETENTION, "{\"type\":\"room_message\",\"n\":2}", null, null);
		assertThat(empty.offset()).isZero();
		assertThat(first).isEqualTo(new Stamp(1, empty.epoch()));
		assertThat(second).isEqualTo(new Stamp(2, empty.epoch()));
		assertThat(store.read("room:a", RETENTION, 0, -1, 10).entries()).containsExactly(
				new Entry(1, "{\"type\":\"room_message\",\"n\":1}", "c1"),
				new Entry(2, "{\"type\":\"room_message\",\"n\":2}", null));
		assertThat(store.read("room:b", RETENTION, -1, -1, 10).epoch()).isNotEqualTo(empty.epoch());
	}

	@ParameterizedTest
	@MethodSource("stores")
	void keepsAtMostSizeMessages(String kind) {
		HistoryStore store = store(kind);
		appendAll(store, "room:a", 8);
		Snapshot snapshot = store.read("room:a", RETENTION, 3, -1, 10);
		assertThat(snapshot.offset()).isEqualTo(8);
		assertThat(snapshot.first()).isEqualTo(4);
		assertThat(offsets(snapshot)).containsExactly(4L, 5L, 6L, 7L, 8L);
	}

	@ParameterizedTest
	@MethodSource("stores")
	void readsNothingWhenMoreThanTheLimitAreAsked(String kind) {
		HistoryStore store = store(kind);
		appendAll(store, "room:a", 5);
		assertThat(store.read("room:a", RETENTION, 1, -1, 3).entries()).isEmpty();
		assertThat(offsets(store.read("room:a", RETENTION, 2, -1, 3))).containsExactly(3L, 4L, 5L);
		assertThat(offsets(store.read("room:a", RETENTION, 1, 3, 3))).containsExactly(2L, 3L);
	}

	@ParameterizedTest
	@MethodSource("stores")
	void readsTheNewestBeforeAnOffset(String kind) {
		HistoryStore store = store(kind);
		appendAll(store, "room:a", 5);
		assertThat(offsets(store.newest("room:a", RETENTION, 0, 2))).containsExactly(4L, 5L);
		assertThat(offsets(store.newest("room:a", RETENTION, 4, 2))).containsExactly(2L, 3L);
		assertThat(offsets(store.newest("room:a", RETENTION, 1, 2))).isEmpty();
	}

	@ParameterizedTest
	@MethodSource("stores")
	void keepsNoMessageOlderThanTtl(String kind) {
		HistoryStore store = store(kind);
		appendAll(store, "room:a", 2);
		this.clock.addAndGet(Duration.ofMinutes(6).toMillis());
		appendAll(store, "room:a", 1);
		this.clock.addAndGet(Duration.ofMinutes(6).toMillis());
		Snapshot snapshot = store.read("room:a", RETENTION, 0, -1, 10);
		assertThat(snapshot.offset()).isEqualTo(3);
		assertThat(snapshot.first()).isEqualTo(3);
		assertThat(offsets(snapshot)).containsExactly(3L);
	}

	@ParameterizedTest
	@MethodSource("stores")
	void withdrawnMessagesAreNotRead(String kind) {
		HistoryStore store = store(kind);
		appendAll(store, "room:a", 3);
		store.withdraw("room:a", 2);
		assertThat(offsets(store.read("room:a", RETENTION, 0, -1, 10))).containsExactly(1L, 3L);
		assertThat(store.append("room:a", RETENTION, "{}", null, null).offset()).isEqualTo(4);
	}

	@Test
	void redisGivesABackendEventOneOffsetHoweverManyNodesAppendIt() {
		HistoryStore store = store("redis");
		Stamp first = store.append("room:a", RETENTION, "{\"a\":1}", null, "id:m1");
		Stamp again = store.append("room:a", RETENTION, "{\"a\":1}", null, "id:m1");
		Stamp other = store.append("room:a", RETENTION, "{\"a\":1}", null, "id:m2");
		assertThat(again).isEqualTo(first);
		assertThat(other.offset()).isEqualTo(first.offset() + 1);
		assertThat(offsets(store.read("room:a", RETENTION, 0, -1, 10))).containsExactly(1L, 2L);
	}

	@Test
	void redisStartsANewEpochWhenTheChannelsKeysAreGone() {
		String prefix = RedisServer.uniquePrefix();
		RedisHistoryStore store = new RedisHistoryStore(redis(), prefix, this.clock::get);
		Stamp before = store.append("room:a", RETENTION, "{}", null, null);
		redis().delete(Set.copyOf(store.keys("room:a")));
		Snapshot after = store.read("room:a", RETENTION, 0, -1, 10);
		assertThat(after.epoch()).isNotEqualTo(before.epoch());
		assertThat(after.offset()).isZero();
		assertThat(store.append("room:a", RETENTION, "{}", null, null)).isEqualTo(new Stamp(1, after.epoch()));
	}

	@Test
	void redisKeysExpireAfterTtlOfSilence() {
		String prefix = RedisServer.uniquePrefix();
		RedisHistoryStore store = new RedisHistoryStore(redis(), prefix, this.clock::get);
		store.append("room:a", RETENTION, "{}", null, null);
		for (String key : store.keys("room:a")) {
			assertThat(redis().getExpire(key)).isBetween(590L, 600L);
		}
	}

	@Test
	void memoryForgetsAChannelSilentForTtl() {
		HistoryStore store = store("memory");
		Stamp before = store.append("room:a", RETENTION, "{}", null, null);
		this.clock.addAndGet(Duration.ofMinutes(10).toMillis());
		Snapshot after = store.read("room:a", RETENTION, 0, -1, 10);
		assertThat(after.epoch()).isNotEqualTo(before.epoch());
		assertThat(after.offset()).isZero();
	}

	private static void appendAll(HistoryStore store, String channel, int count) {
		for (int i = 0; i < count; i++) {
			store.append(channel, RETENTION, "{\"i\":" + i + "}", null, null);
		}
	}

	private static List<Long> offsets(Snapshot snapshot) {
		return snapshot.entries().stream().map(Entry::offset).toList();
	}

}
