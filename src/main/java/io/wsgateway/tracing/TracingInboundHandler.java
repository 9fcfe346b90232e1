package io.wsgateway.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.InboundMessageHandler;
import io.wsgateway.session.LogContext;
import io.wsgateway.session.OutboundFrame;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Wraps the message router in a span per inbound client message, wired only when
 * tracing is on. The span is named and tagged by the message's type (a known type, or
 * {@code unknown}; never a user, room or clan), has the envelope's {@code traceparent}
 * as its parent when it is valid, and is current while the router handles the message,
 * so that a publish to the broker is its child and log lines carry its span id.
 */
final class TracingInboundHandler implements InboundMessageHandler {

	static final String TYPE_TAG = "gateway.message.type";

	private static final String UNKNOWN = "unknown";

	private static final Propagator.Getter<String> TRACE_PARENT = (value, name) -> TraceParent.FIELD.equals(name)
			? value : null;

	private final InboundMessageHandler router;

	private final Tracer tracer;

	private final Propagator propagator;

	private final MessageCodec codec;

	private final Map<String, String> spanNames;

	/**
	 * @param router the handler being traced
	 * @param types the message types that have a handler: the only ones a span names
	 */
	TracingInboundHandler(InboundMessageHandler router, Set<String> types, Tracer tracer, Propagator propagator,
			MessageCodec codec) {
		this.router = router;
		this.tracer = tracer;
		this.propagator = propagator;
		this.codec = codec;
		Map<String, String> names = new HashMap<>();
		for (String type : types) {
			names.put(type, "message " + type);
		}
		this.spanNames = Map.copyOf(names);
	}

	@Override
	public OutboundFrame connectedFrame(ClientSession session) {
		return this.router.connectedFrame(session);
	}

	@Override
	public void onMessage(ClientSession session, String text) {
		Span span = start(text);
		try (Tracer.SpanInScope scope = this.tracer.withSpan(span);
				LogContext.SpanScope logged = LogContext.span(span.context().spanId())) {
			this.router.onMessage(session, text);
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
	public void onPing(ClientSession session) {
		this.router.onPing(session);
	}

	private Span start(String text) {
		String type = null;
		String parent = null;
		try {
			JsonNode message = this.codec.parse(text);
			type = text(message, "type");
			parent = text(message, TraceParent.FIELD);
		}
		catch (JacksonException ex) {
			// not JSON: the router answers bad_json; the span still records the message
		}
		String name = (type != null) ? this.spanNames.get(type) : null;
		Span.Builder builder = (parent != null && TraceParent.isValid(parent))
				? this.propagator.extract(parent, TRACE_PARENT) : this.tracer.spanBuilder().setNoParent();
		return builder.name((name != null) ? name : "message")
			.kind(Span.Kind.SERVER)
			.tag(TYPE_TAG, (name != null) ? type : UNKNOWN)
			.start();
	}

	private static String text(JsonNode message, String field) {
		JsonNode node = message.isObject() ? message.get(field) : null;
		return (node != null && node.isString()) ? node.asString() : null;
	}

}
