package io.wsgateway.bus;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;

/**
 * What a broker bus asks of tracing: a span and W3C trace context headers for each
 * message it publishes, and a delivery span, continuing the trace the message's headers
 * carry, for each event it consumes. {@link #OFF} (tracing not configured) does nothing
 * and allocates nothing.
 */
public interface BusTracing {

	/** No tracing: no span, no header. */
	BusTracing OFF = new BusTracing() {

		@Override
		public Publish publishing(String exchange, String routingKey) {
			return Publish.NONE;
		}

		@Override
		public int delivering(String exchange, BusEvent event, Map<String, Object> headers,
				ToIntFunction<BusEvent> delivery) {
			return delivery.applyAsInt(event);
		}

	};

	/**
	 * Called on the publishing thread, before the message is handed to the broker, with
	 * the span of the work that publishes it (if any) current. Returns the publish, whose
	 * span is started.
	 */
	Publish publishing(String exchange, String routingKey);

	/**
	 * Called for each event consumed from the broker: runs {@code delivery} inside a
	 * delivery span whose parent is the trace context in {@code headers} (a new trace
	 * without one). Returns what {@code delivery} returns: the number of sessions
	 * addressed, or {@link EventDispatcher#NO_LISTENER}.
	 */
	int delivering(String exchange, BusEvent event, Map<String, Object> headers, ToIntFunction<BusEvent> delivery);

	/** One message being published. */
	interface Publish {

		/** Nothing traced. */
		Publish NONE = new Publish() {

			@Override
			public Map<String, Object> headers(Map<String, Object> headers) {
				return headers;
			}

			@Override
			public CompletableFuture<Void> watch(CompletableFuture<Void> confirmed) {
				return confirmed;
			}

		};

		/**
		 * Called once, when the message's headers are built. Returns them with the
		 * publish span's trace context added ({@code headers} may be {@code null}).
		 */
		Map<String, Object> headers(Map<String, Object> headers);

		/**
		 * Ends the publish span when the broker confirmed or refused the message; returns
		 * a future that completes with {@code confirmed}.
		 */
		CompletableFuture<Void> watch(CompletableFuture<Void> confirmed);

	}

}
