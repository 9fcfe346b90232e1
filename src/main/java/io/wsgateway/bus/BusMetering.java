package io.wsgateway.bus;

import java.util.function.BooleanSupplier;

/**
 * What a bus reports for metering (PROTOCOL.md section 8: {@code gateway.bus.published},
 * {@code gateway.bus.roundtrip}, {@code gateway.bus.malformed}, {@code gateway.bus.connected}).
 * The bus knows only this contract, as it knows only {@link BusTracing} for tracing; the
 * meters are registered outside it (ops' {@code GatewayMetrics}). Deliveries are counted by
 * the listeners that deliver.
 */
public interface BusMetering {

	/**
	 * Called once for every event the bus publishes, on the publishing thread, before the
	 * outcome is known.
	 * @param kindOrKey the event's kind, or for an event for backends its routing key
	 */
	void published(String kindOrKey);

	/** Called with the time from a publish of this node to the broker's confirm of it. */
	void roundtrip(long nanos);

	/** Called for each message from the broker that could not be read as an event. */
	void malformed();

	/** Called once by a broker bus at start with its connection state, read on every scrape. */
	void connection(BooleanSupplier connected);

}
