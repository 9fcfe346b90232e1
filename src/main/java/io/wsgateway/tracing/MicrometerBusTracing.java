package io.wsgateway.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusTracing;
import io.wsgateway.bus.EventDispatcher;

/**
 * The bus's spans when tracing is on: a producer span per published message, whose W3C
 * trace context ({@code traceparent}, and {@code tracestate} when there is one) goes
 * into the message's AMQP headers, and a consumer span per delivered event, child of
 * the trace context in its headers. Tags name the exchange and the event family (the
 * routing key's first word), never the rest of the key, which holds user, room and clan
 * ids.
 */
final class MicrometerBusTracing implements BusTracing {

	static final String SESSIONS_TAG = "gateway.sessions";

	static final String FAN_OUT_TAG = "gateway.fanout.micros";

	static final String FAMILY_TAG = "gateway.event.family";

	private static final Propagator.Setter<Map<String, Object>> HEADER_SETTER = Map::put;

	private static final Propagator.Getter<Map<String, Object>> HEADER_GETTER = (headers, name) -> {
		Object value = headers.get(name);
		return (value != null) ? value.toString() : null;
	};

	private static final long NANOS_PER_MICRO = 1000;

	private final Tracer tracer;

	private final Propagator propagator;

	MicrometerBusTracing(Tracer tracer, Propagator propagator) {
		this.tracer = tracer;
		this.propagator = propagator;
	}

	@Override
	public Publish publishing(String exchange, String routingKey) {
		Span span = messaging(this.tracer.spanBuilder(), "publish", exchange, routingKey).kind(Span.Kind.PRODUCER)
			.start();
		return new TracedPublish(span);
	}

	@Override
	public int delivering(String exchange, BusEvent event, Map<String, Object> headers,
			ToIntFunction<BusEvent> delivery) {
		Span span = messaging(this.propagator.extract(headers, HEADER_GETTER), "process", exchange, event.routingKey())
			.kind(Span.Kind.CONSUMER)
			.start();
		long start = System.nanoTime();
		try (Tracer.SpanInScope scope = this.tracer.withSpan(span)) {
			int sessions = delivery.applyAsInt(event);
			if (sessions != EventDispatcher.NO_LISTENER) {
				span.tag(SESSIONS_TAG, sessions);
			}
			return sessions;
		}
		catch (RuntimeException ex) {
			span.error(ex);
			throw ex;
		}
		finally {
			span.tag(FAN_OUT_TAG, (System.nanoTime() - start) / NANOS_PER_MICRO);
			span.end();
		}
	}

	private Span.Builder messaging(Span.Builder builder, String operation, String exchange, String routingKey) {
		int dot = routingKey.indexOf('.');
		return builder.name(operation + " " + exchange)
			.tag("messaging.system", "rabbitmq")
			.tag("messaging.operation.name", operation)
			.tag("messaging.destination.name", exchange)
			.tag(FAMILY_TAG, (dot > 0) ? routingKey.substring(0, dot) : routingKey);
	}

	private final class TracedPublish implements Publish {

		private final Span span;

		TracedPublish(Span span) {
			this.span = span;
		}

		@Override
		public Map<String, Object> headers(Map<String, Object> headers) {
			Map<String, Object> withContext = (headers != null) ? headers : new HashMap<>(2);
			MicrometerBusTracing.this.propagator.inject(this.span.context(), withContext, HEADER_SETTER);
			return withContext;
		}

		@Override
		public CompletableFuture<Void> watch(CompletableFuture<Void> confirmed) {
			return confirmed.whenComplete((result, failure) -> {
				if (failure != null) {
					this.span.error(failure);
				}
				this.span.end();
			});
		}

	}

}
