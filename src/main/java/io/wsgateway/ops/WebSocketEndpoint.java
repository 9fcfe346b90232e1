package io.wsgateway.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsgateway.NodeProperties;
import io.wsgateway.handshake.ConnectionSlots;
import io.wsgateway.handshake.HandshakeOutcome;
import io.wsgateway.session.SessionRegistry;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/websocket}: what this node holds and has done since it started.
 * Needs the management credential like every Actuator endpoint other than health and
 * Prometheus, since it shows client IPs.
 */
@Component
@Endpoint(id = "websocket")
class WebSocketEndpoint {

	static final int TOP_IPS = 10;

	private final NodeProperties node;

	private final SessionRegistry sessions;

	private final ConnectionSlots slots;

	private final GatewayMetrics metrics;

	private final WebSocketHealthIndicator health;

	private final List<WebSocketStatsContributor> contributors;

	WebSocketEndpoint(NodeProperties node, SessionRegistry sessions, ConnectionSlots slots, GatewayMetrics metrics,
			WebSocketHealthIndicator health, List<WebSocketStatsContributor> contributors) {
		this.node = node;
		this.sessions = sessions;
		this.slots = slots;
		this.metrics = metrics;
		this.health = health;
		this.contributors = contributors;
	}

	@ReadOperation
	Map<String, Object> stats() {
		Map<String, Object> stats = new LinkedHashMap<>();
		stats.put("node", this.node.nodeId());
		stats.put("connections", this.sessions.size());
		stats.put("users", this.sessions.userCount());
		stats.put("maxConnections", this.slots.capacity());
		stats.put("connectionsPerIp", this.slots.topIps(TOP_IPS));
		stats.put("subscriptions", new LinkedHashMap<String, Object>());
		stats.put("messages", Map.of("in", this.metrics.messages("in"), "out", this.metrics.messages("out")));
		stats.put("bytes", Map.of("in", this.metrics.bytes("in"), "out", this.metrics.bytes("out")));
		Map<String, Long> rejected = new LinkedHashMap<>();
		for (HandshakeOutcome outcome : HandshakeOutcome.values()) {
			if (outcome != HandshakeOutcome.ACCEPTED) {
				rejected.put(outcome.tag(), this.metrics.handshakes(outcome));
			}
		}
		stats.put("handshakes", Map.of("accepted", this.metrics.handshakes(HandshakeOutcome.ACCEPTED), "rejected",
				rejected));
		stats.put("closes", this.metrics.closesByCode());
		stats.put("health", Map.of("level", this.health.level().label(), "history", this.health.history()));
		for (WebSocketStatsContributor contributor : this.contributors) {
			contributor.contribute(stats);
		}
		return stats;
	}

}
