package io.wsgateway.ops;

import java.util.Locale;

/** How well the node's WebSocket service is doing, from best to worst. */
public enum HealthLevel {

	/** Everything within its thresholds. */
	HEALTHY,

	/** Working, but a signal crossed its first threshold: worth a look. */
	DEGRADED,

	/** Clients are being hurt: connections refused or dropped in numbers. */
	UNHEALTHY,

	/** The node is about to refuse everyone. */
	CRITICAL;

	/** Returns the lower-case name used in health details and the endpoint. */
	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
