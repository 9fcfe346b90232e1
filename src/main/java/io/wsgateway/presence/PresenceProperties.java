package io.wsgateway.presence;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cluster-wide presence ({@code gateway.presence.*}).
 *
 * @param gracePeriod how long a user may be gone from a room, or from the whole cluster,
 * before {@code presence left} or {@code presence.disconnected} is sent; a reconnect within
 * it produces no event at all. Zero sends them at once.
 * @param nodeHeartbeat how often each node publishes the full state of its connections
 * ({@code cluster.presence} snapshot), which also repairs anything the others missed
 * @param nodeTimeout how long after a node's last message the others forget its
 * connections (a node that died or lost the broker); must be longer than
 * {@code node-heartbeat}
 */
@ConfigurationProperties("gateway.presence")
record PresenceProperties(@DefaultValue("5s") Duration gracePeriod, @DefaultValue("5s") Duration nodeHeartbeat,
		@DefaultValue("15s") Duration nodeTimeout) {

	PresenceProperties {
		if (gracePeriod.isNegative()) {
			throw new IllegalStateException("gateway.presence.grace-period must not be negative");
		}
		if (nodeHeartbeat.isNegative() || nodeHeartbeat.isZero()) {
			throw new IllegalStateException("gateway.presence.node-heartbeat must be positive");
		}
		if (nodeTimeout.compareTo(nodeHeartbeat) <= 0) {
			throw new IllegalStateException("gateway.presence.node-timeout (" + nodeTimeout
					+ ") must be longer than gateway.presence.node-heartbeat (" + nodeHeartbeat + ")");
		}
	}

}
