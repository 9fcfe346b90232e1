package io.wsgateway.history;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Message history and recovery ({@code gateway.history.*}, PROTOCOL.md section 10). History
 * is opt-in: a family keeps none while its {@code size} is 0.
 *
 * @param store where history is kept: {@code memory} (on this node only, lost on restart;
 * refused with {@code gateway.bus.type=rabbitmq} while a family has history) or
 * {@code redis} (Redis Streams through {@code spring.data.redis.*}, shared by every node and
 * kept across restarts)
 * @param rooms retention of each room's history ({@code room:<room>}); {@code ttl} defaults
 * to 10m
 * @param clans retention of each clan chat's history ({@code clan:<clanId>}); {@code ttl}
 * defaults to 24h
 * @param recoveryLimit the most messages one {@code recover} replays, and the widest gap
 * between nodes filled from the store; a client that missed more gets
 * {@code recovered: false}. 1 to 10,000.
 * @param keyPrefix put in front of every Redis key of the {@code redis} store, so that
 * several gateways (or environments) can share one Redis
 */
@ConfigurationProperties("gateway.history")
public record HistoryProperties(@DefaultValue("memory") Store store, Retention rooms, Retention clans,
		@DefaultValue("300") int recoveryLimit, @DefaultValue("gateway:history:") String keyPrefix) {

	static final Duration ROOMS_TTL = Duration.ofMinutes(10);

	static final Duration CLANS_TTL = Duration.ofHours(24);

	static final int MAX_RECOVERY_LIMIT = 10_000;

	public HistoryProperties {
		rooms = Retention.orDefault(rooms, ROOMS_TTL, "rooms");
		clans = Retention.orDefault(clans, CLANS_TTL, "clans");
		if (recoveryLimit < 1 || recoveryLimit > MAX_RECOVERY_LIMIT) {
			throw new IllegalStateException("gateway.history.recovery-limit must be 1 to " + MAX_RECOVERY_LIMIT
					+ ", was " + recoveryLimit);
		}
		if (keyPrefix.isBlank()) {
			throw new IllegalStateException("gateway.history.key-prefix must not be blank");
		}
	}

	/** Returns whether any family keeps history. */
	public boolean enabled() {
		return this.rooms.enabled() || this.clans.enabled();
	}

	/** Where history is kept. */
	public enum Store {

		/** A bounded ring per channel on this node. */
		MEMORY,

		/** One Redis stream per channel, shared by every node. */
		REDIS

	}

	/**
	 * How much of one family's history is kept per channel.
	 *
	 * @param size at most this many messages per channel; 0 keeps no history. At most
	 * 100,000.
	 * @param ttl no message older than this is kept, and a channel without a message for this
	 * long is forgotten with its epoch; at least 1s; defaults to 10m for rooms, 24h for clan
	 * chats.
	 */
	public record Retention(@DefaultValue("0") int size, Duration ttl) {

		static final int MAX_SIZE = 100_000;

		static Retention orDefault(Retention retention, Duration defaultTtl, String family) {
			Retention filled = (retention == null) ? new Retention(0, defaultTtl)
					: new Retention(retention.size(), (retention.ttl() != null) ? retention.ttl() : defaultTtl);
			if (filled.size() < 0 || filled.size() > MAX_SIZE) {
				throw new IllegalStateException("gateway.history." + family + ".size must be 0 to " + MAX_SIZE
						+ ", was " + filled.size());
			}
			if (filled.ttl().compareTo(Duration.ofSeconds(1)) < 0) {
				throw new IllegalStateException("gateway.history." + family + ".ttl must be at least 1s, was "
						+ filled.ttl());
			}
			return filled;
		}

		/** Returns whether the family keeps history. */
		public boolean enabled() {
			return this.size > 0;
		}

	}

}
