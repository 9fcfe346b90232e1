package io.wsgateway.ops;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Thresholds of the {@code websocket} health contributor ({@code gateway.health.*}). The
 * level is the worst of three signals over the last {@code window}: connection load
 * (open connections / {@code gateway.admission.max-connections}), slow-consumer closes,
 * and the share of handshakes refused (from at least {@code min-handshakes} handshakes).
 *
 * @param window how far back overflows and handshakes are counted
 * @param degradedLoad load from which the level is at least degraded
 * @param unhealthyLoad load from which it is at least unhealthy
 * @param criticalLoad load from which it is critical
 * @param degradedOverflows slow-consumer closes in the window from which it is at least degraded
 * @param unhealthyOverflows slow-consumer closes in the window from which it is at least unhealthy
 * @param degradedRejectionRate share of refused handshakes from which it is at least degraded
 * @param unhealthyRejectionRate share of refused handshakes from which it is at least unhealthy
 * @param minHandshakes handshakes in the window below which the rejection rate is ignored
 * @param historySize level changes kept for {@code /actuator/websocket}
 */
@ConfigurationProperties("gateway.health")
public record HealthLevelProperties(
		@DefaultValue("1m") Duration window,
		@DefaultValue("0.7") double degradedLoad,
		@DefaultValue("0.85") double unhealthyLoad,
		@DefaultValue("0.95") double criticalLoad,
		@DefaultValue("1") long degradedOverflows,
		@DefaultValue("50") long unhealthyOverflows,
		@DefaultValue("0.2") double degradedRejectionRate,
		@DefaultValue("0.5") double unhealthyRejectionRate,
		@DefaultValue("20") long minHandshakes,
		@DefaultValue("20") int historySize) {

}
