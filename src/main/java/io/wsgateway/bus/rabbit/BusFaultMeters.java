package io.wsgateway.bus.rabbit;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the broker's faults did to this node's publishes and queue, as meters (all under
 * {@code gateway.bus.*}, additive to the metrics contract) and as totals for the health
 * details.
 */
final class BusFaultMeters {

	private final Counter returned;

	private final Counter nacked;

	private final Counter timedOut;

	private final Counter lost;

	private final Counter resent;

	private final Counter duplicates;

	private final MeterRegistry registry;

	BusFaultMeters(MeterRegistry registry) {
		this.registry = registry;
		this.returned = Counter.builder("gateway.bus.returned")
			.description("Messages this node published that the broker returned as unroutable (refused to the sender)")
			.register(registry);
		this.nacked = failed("nack");
		this.timedOut = failed("timeout");
		this.lost = failed("lost");
		this.resent = Counter.builder("gateway.bus.resent")
			.description("Messages sent again because their first outcome was unknown")
			.register(registry);
		this.duplicates = Counter.builder("gateway.bus.duplicates")
			.description("Copies of gateway events this node had already delivered, dropped")
			.register(registry);
	}

	/** Registers a gauge {@code gateway.bus.<name>} read from {@code source}. */
	<T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
		Gauge.builder("gateway.bus." + name, source, value)
			.description(description)
			.strongReference(true)
			.register(this.registry);
	}

	void returned() {
		this.returned.increment();
	}

	void nacked() {
		this.nacked.increment();
	}

	void confirmTimedOut() {
		this.timedOut.increment();
	}

	void channelLost(int unconfirmed) {
		this.lost.increment(unconfirmed);
	}

	void resent() {
		this.resent.increment();
	}

	void duplicate() {
		this.duplicates.increment();
	}

	long returnedTotal() {
		return (long) this.returned.count();
	}

	long confirmFailuresTotal() {
		return (long) (this.nacked.count() + this.timedOut.count() + this.lost.count());
	}

	private Counter failed(String reason) {
		return Counter.builder("gateway.bus.confirms.failed")
			.description("Publisher confirms that failed: nack (messages refused to the sender), timeout (times a "
					+ "late confirm closed the channel), lost (messages whose channel closed first: sent again)")
			.tag("reason", reason)
			.register(this.registry);
	}

}
