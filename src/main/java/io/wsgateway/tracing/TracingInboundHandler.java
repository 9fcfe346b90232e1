package io.wsgateway.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.InboundMessage;
import io.wsgateway.protocol.MessageDispatcher;
import io.wsgateway.protocol.MessageDispatcherDecorator;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.LogContext;

import org.springframework.core.Ordered;

/**
 * Wraps the router's dispatcher in a span per inbound client message, wired only when
 * tracing is on. The span is named and tagged by the message's type (a known type, or
 * {@code unknown}; never a user, room or clan), has the envelope's {@code traceparent}
 * as its parent when it is valid, and is current while the message is handled, so that a
 * publish to the broker is its child and log lines carry its span id. Type and parent come
 * from the message the router read: the text is not parsed a second time. A message
 * refused before its envelope was read (over the rate limit, not JSON) gets a span
 * without type or parent. Outermost of the decorators.
 */
final class TracingInboundHandler implements MessageDispatcherDecorator, Ordered {

	static final String TYPE_TAG = "gateway.message.type";

	private static final String UNKNOWN = "unknown";

	private static final Propagator.Getter<String> TRACE_PARENT = (value, name) -> TraceParent.FIELD.equals(name)
			? value : null;

	private final Tracer tracer;

	private final Propagator propagator;

	TracingInboundHandler(Tracer tracer, Propagator propagator) {
		this.tracer = tracer;
		this.propagator = propagator;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public MessageDispatcher decorate(MessageDispatcher dispatcher) {
		return new Traced(dispatcher);
	}

	private final class Traced implements MessageDispatcher {

		private final MessageDispatcher dispatcher;

		private final Map<String, String> spanNames;

		Traced(MessageDispatcher dispatcher) {
			this.dispatcher = dispatcher;
			Map<String, String> names = new HashMap<>();
			for (String type : dispatcher.types()) {
				names.put(type, "message " + type);
			}
			this.spanNames = Map.copyOf(names);
		}

		@Override
		public Set<String> types() {
			return this.dispatcher.types();
		}

		@Override
		public void dispatch(ClientSession session, InboundMessage message) {
			Span span = start(message.type(), message.traceParent());
			try (Tracer.SpanInScope scope = TracingInboundHandler.this.tracer.withSpan(span);
					LogContext.SpanScope logged = LogContext.span(span.context().spanId())) {
				this.dispatcher.dispatch(session, message);
			}
			catch (RuntimeException ex) {
				span.error(ex);
				throw ex;
			}
			finally {
				span.end();
			}
		}

		@Override
		public void refuse(ClientSession session, String id, ErrorCode code, String reason) {
			Span span = start(null, null);
			try (Tracer.SpanInScope scope = TracingInboundHandler.this.tracer.withSpan(span);
					LogContext.SpanScope logged = LogContext.span(span.context().spanId())) {
				this.dispatcher.refuse(session, id, code, reason);
			}
			catch (RuntimeException ex) {
				span.error(ex);
				throw ex;
			}
			finally {
				span.end();
			}
		}

		private Span start(String type, String parent) {
			String name = (type != null) ? this.spanNames.get(type) : null;
			Span.Builder builder = (parent != null && TraceParent.isValid(parent))
					? TracingInboundHandler.this.propagator.extract(parent, TRACE_PARENT)
					: TracingInboundHandler.this.tracer.spanBuilder().setNoParent();
			return builder.name((name != null) ? name : "message")
				.kind(Span.Kind.SERVER)
				.tag(TYPE_TAG, (name != null) ? type : UNKNOWN)
				.start();
		}

	}

}
