package io.wsgateway.ops;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.wsgateway.handshake.ConnectionSlots;
import io.wsgateway.handshake.HandshakeOutcome;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The {@code websocket} health contributor: a {@link HealthLevel} from connection load,
 * slow-consumer closes and the handshake refusal rate, with the reasons in its details.
 * UP while healthy or degraded, DOWN when unhealthy or critical. Level changes are kept
 * in a bounded history for {@code /actuator/websocket}.
 */
@Component("websocketHealthIndicator")
class WebSocketHealthIndicator implements HealthIndicator {

	private final ConnectionSlots slots;

	private final GatewayMetrics metrics;

	private final HealthLevelProperties properties;

	private final Deque<Sample> samples = new ArrayDeque<>();

	private final Deque<LevelChange> history = new ArrayDeque<>();

	private Assessment current = new Assessment(HealthLevel.HEALTHY, List.of(), 0, 0, 0);

	/** One level change. */
	record LevelChange(Instant at, String from, String to, List<String> reasons) {
	}

	record Assessment(HealthLevel level, List<String> reasons, double load, long overflows, double rejectionRate) {
	}

	private record Sample(long nanos, long overflows, long handshakes, long refused) {
	}

	WebSocketHealthIndicator(ConnectionSlots slots, GatewayMetrics metrics, HealthLevelProperties properties) {
		this.slots = slots;
		this.metrics = metrics;
		this.properties = properties;
	}

	@Override
	public Health health() {
		Assessment assessment = assess();
		Health.Builder health = (assessment.level().compareTo(HealthLevel.UNHEALTHY) >= 0) ? Health.down() : Health.up();
		return health.withDetail("level", assessment.level().label())
			.withDetail("reasons", assessment.reasons())
			.withDetail("connections", this.slots.taken())
			.withDetail("maxConnections", this.slots.capacity())
			.withDetail("load", round(assessment.load()))
			.withDetail("overflows", assessment.overflows())
			.withDetail("handshakeRejectionRate", round(assessment.rejectionRate()))
			.build();
	}

	/** Returns the level changes kept, oldest first. */
	synchronized List<LevelChange> history() {
		return List.copyOf(this.history);
	}

	/** Returns the current level, re-assessed now. */
	HealthLevel level() {
		return assess().level();
	}

	// Sampling on a schedule as well as on request keeps the window and the history
	// meaningful when nobody polls health.
	@Scheduled(fixedDelayString = "PT5S")
	synchronized Assessment assess() {
		long now = System.nanoTime();
		long refused = 0;
		long handshakes = 0;
		for (HandshakeOutcome outcome : HandshakeOutcome.values()) {
			long count = this.metrics.handshakes(outcome);
			handshakes += count;
			if (outcome != HandshakeOutcome.ACCEPTED) {
				refused += count;
			}
		}
		this.samples.addLast(new Sample(now, this.metrics.overflows(), handshakes, refused));
		long windowStart = now - this.properties.window().toNanos();
		while (this.samples.size() > 1 && this.samples.peekFirst().nanos() < windowStart) {
			this.samples.removeFirst();
		}
		Sample oldest = this.samples.peekFirst();
		Sample newest = this.samples.peekLast();
		Assessment assessment = evaluate(newest.overflows() - oldest.overflows(),
				newest.handshakes() - oldest.handshakes(), newest.refused() - oldest.refused());
		if (assessment.level() != this.current.level()) {
			this.history.addLast(new LevelChange(Instant.now(), this.current.level().label(),
					assessment.level().label(), assessment.reasons()));
			while (this.history.size() > this.properties.historySize()) {
				this.history.removeFirst();
			}
		}
		this.current = assessment;
		return assessment;
	}

	private Assessment evaluate(long overflows, long handshakes, long refused) {
		HealthLevelProperties limits = this.properties;
		double load = (double) this.slots.taken() / Math.max(1, this.slots.capacity());
		double rejectionRate = (handshakes > 0) ? (double) refused / handshakes : 0;
		HealthLevel level = (load >= limits.criticalLoad()) ? HealthLevel.CRITICAL
				: (load >= limits.unhealthyLoad()) ? HealthLevel.UNHEALTHY
						: (load >= limits.degradedLoad()) ? HealthLevel.DEGRADED : HealthLevel.HEALTHY;
		List<String> reasons = new ArrayList<>();
		if (level != HealthLevel.HEALTHY) {
			reasons.add(String.format("connection load %.0f%% of %d", load * 100, this.slots.capacity()));
		}
		if (overflows >= limits.degradedOverflows()) {
			level = worst(level, (overflows >= limits.unhealthyOverflows()) ? HealthLevel.UNHEALTHY : HealthLevel.DEGRADED);
			reasons.add(overflows + " slow-consumer close(s) in the last " + limits.window().toSeconds() + "s");
		}
		if (handshakes >= limits.minHandshakes() && rejectionRate >= limits.degradedRejectionRate()) {
			level = worst(level, (rejectionRate >= limits.unhealthyRejectionRate()) ? HealthLevel.UNHEALTHY
					: HealthLevel.DEGRADED);
			reasons.add(String.format("%.0f%% of %d handshakes refused in the last %ds", rejectionRate * 100, handshakes,
					limits.window().toSeconds()));
		}
		return new Assessment(level, List.copyOf(reasons), load, overflows, rejectionRate);
	}

	private static HealthLevel worst(HealthLevel a, HealthLevel b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	private static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

}
