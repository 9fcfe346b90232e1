package io.wsgateway.ops;

import io.wsgateway.handshake.ConnectionSlots;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Part of the readiness group: OUT_OF_SERVICE while every connection slot of this node is
 * taken, so that Kubernetes sends new clients to other pods instead of into a 503.
 */
@Component("capacityHealthIndicator")
class CapacityHealthIndicator implements HealthIndicator {

	private final ConnectionSlots slots;

	CapacityHealthIndicator(ConnectionSlots slots) {
		this.slots = slots;
	}

	@Override
	public Health health() {
		Health.Builder health = this.slots.atCapacity() ? Health.outOfService() : Health.up();
		return health.withDetail("connections", this.slots.taken())
			.withDetail("maxConnections", this.slots.capacity())
			.build();
	}

}
