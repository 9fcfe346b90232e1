package io.wsgateway.ops;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.InboundMessage;
import io.wsgateway.protocol.MessageDispatcher;
import io.wsgateway.protocol.MessageDispatcherDecorator;
import io.wsgateway.session.ClientSession;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Meters inbound client messages around the router's {@link MessageDispatcher}: one count
 * per message by its type (or {@code unknown}: no handler, no readable type, refused before
 * its envelope was read), and the time a known type took to handle once its envelope
 * passed. Innermost of the decorators, so the time is the handling's own.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
public class InboundMetering implements MessageDispatcherDecorator {

	private final GatewayMetrics metrics;

	public InboundMetering(GatewayMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public MessageDispatcher decorate(MessageDispatcher dispatcher) {
		return new Metered(dispatcher, this.metrics);
	}

	/** A known type's meters, looked up once per message. */
	private static final class TypeMeters {

		private final Counter received;

		// registered on the type's first handled message, as a scrape shows only types in use
		private volatile Timer handling;

		TypeMeters(Counter received) {
			this.received = received;
		}

	}

	private static final class Metered implements MessageDispatcher {

		private final MessageDispatcher dispatcher;

		private final GatewayMetrics metrics;

		private final Map<String, TypeMeters> meters;

		private final Counter unknown;

		Metered(MessageDispatcher dispatcher, GatewayMetrics metrics) {
			this.dispatcher = dispatcher;
			this.metrics = metrics;
			Map<String, Counter> counters = metrics.inboundCounters(dispatcher.types());
			Map<String, TypeMeters> meters = new HashMap<>();
			for (String type : dispatcher.types()) {
				meters.put(type, new TypeMeters(counters.get(type)));
			}
			this.meters = Map.copyOf(meters);
			this.unknown = counters.get(null);
		}

		@Override
		public Set<String> types() {
			return this.meters.keySet();
		}

		@Override
		public void dispatch(ClientSession session, InboundMessage message) {
			String type = message.type();
			TypeMeters meters = (type != null) ? this.meters.get(type) : null;
			if (meters == null) {
				this.unknown.increment();
				this.dispatcher.dispatch(session, message);
				return;
			}
			meters.received.increment();
			if (message.hasInvalidId()) {
				this.dispatcher.dispatch(session, message);
				return;
			}
			long start = System.nanoTime();
			this.dispatcher.dispatch(session, message);
			long nanos = System.nanoTime() - start;
			Timer handling = meters.handling;
			if (handling == null) {
				handling = this.metrics.handlingTimer(type);
				meters.handling = handling;
			}
			handling.record(nanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public void refuse(ClientSession session, String id, ErrorCode code, String reason) {
			this.unknown.increment();
			this.dispatcher.refuse(session, id, code, reason);
		}

	}

}
