package io.wsgateway.history;

import io.lettuce.core.ClientOptions;
import io.wsgateway.bus.BusProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Picks the history store. With {@code gateway.bus.type=rabbitmq} and a family with history,
 * the {@code memory} store would give each node offsets of its own, which no two nodes
 * agree on: the node refuses to start instead.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HistoryProperties.class)
class HistoryConfiguration {

	@Bean
	HistoryStore historyStore(HistoryProperties properties, BusProperties bus,
			ObjectProvider<StringRedisTemplate> redis) {
		if (properties.store() == HistoryProperties.Store.REDIS) {
			return new RedisHistoryStore(redis.getObject(), properties.keyPrefix(), System::currentTimeMillis);
		}
		if (properties.enabled() && bus.type() == BusProperties.Type.RABBITMQ) {
			throw new IllegalStateException("gateway.history.store=memory keeps each node's history to itself, so with "
					+ "gateway.bus.type=rabbitmq the nodes would number the same channel's messages differently; "
					+ "set gateway.history.store=redis (shared by every node), or turn history off "
					+ "(gateway.history.rooms.size=0 and gateway.history.clans.size=0)");
		}
		return new MemoryHistoryStore(System::currentTimeMillis);
	}

	/**
	 * Commands fail at once while Lettuce is disconnected from Redis, instead of queueing
	 * until {@code spring.data.redis.timeout}: a join or a chat then gets
	 * {@code service_unavailable} without holding its connection's thread.
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer historyLettuceOptions() {
		return (builder) -> builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	/** {@code history} in {@code /actuator/health}: whether Redis answers, only while a family keeps history there. */
	@Bean
	@ConditionalOnExpression("'${gateway.history.store:memory}' == 'redis' "
			+ "&& (${gateway.history.rooms.size:0} > 0 || ${gateway.history.clans.size:0} > 0)")
	HealthIndicator historyHealthIndicator(StringRedisTemplate redis) {
		return () -> {
			try {
				String pong = redis.execute((RedisConnection connection) -> connection.ping());
				return Health.up().withDetail("store", "redis").withDetail("ping", String.valueOf(pong)).build();
			}
			catch (RuntimeException ex) {
				return Health.down().withDetail("store", "redis").withDetail("error", ex.toString()).build();
			}
		};
	}

}
