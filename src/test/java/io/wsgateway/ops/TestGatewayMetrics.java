package io.wsgateway.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.session.TestSessions;

/** Builds {@link GatewayMetrics} outside Spring, for unit tests in other packages. */
public final class TestGatewayMetrics {

	private TestGatewayMetrics() {
	}

	/** Metrics on a fresh {@link SimpleMeterRegistry} over an empty session registry. */
	public static GatewayMetrics create() {
		return create(new SimpleMeterRegistry(), TestSessions.registry());
	}

	/** Metrics on the given meter registry over the given sessions, without pending connections. */
	public static GatewayMetrics create(MeterRegistry meters, SessionRegistry sessions) {
		return new GatewayMetrics(meters, sessions, null);
	}

}
