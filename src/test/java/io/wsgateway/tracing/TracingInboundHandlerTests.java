package io.wsgateway.tracing;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.otel.bridge.Slf4JEventListener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.InboundMessage;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.MessageDispatcher;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.LogContext;
import io.wsgateway.session.TestSessions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.core.JacksonException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbound span with a real OpenTelemetry SDK behind Micrometer Tracing, wired as
 * Spring Boot wires it (W3C propagator, the MDC event listener).
 */
class TracingInboundHandlerTests {

	private static final AttributeKey<String> TYPE = AttributeKey.stringKey(TracingInboundHandler.TYPE_TAG);

	private final List<SpanData> ended = new CopyOnWriteArrayList<>();

	private final SdkTracerProvider provider = SdkTracerProvider.builder()
		.addSpanProcessor(SimpleSpanProcessor.create(new Collecting()))
		.build();

	private final List<String> seen = new CopyOnWriteArrayList<>();

	private final ClientSession session = TestSessions.session("alice", new FakeTransport());

	private final MessageCodec codec = new MessageCodec();

	private final MessageDispatcher dispatcher;

	TracingInboundHandlerTests() {
		io.opentelemetry.api.trace.Tracer otel = this.provider.get("test");
		Slf4JEventListener mdc = new Slf4JEventListener();
		OtelTracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), mdc::onEvent);
		OtelPropagator propagator = new OtelPropagator(
				ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
		this.dispatcher = new TracingInboundHandler(tracer, propagator).decorate(new Recording());
	}

	@AfterEach
	void close() {
		this.provider.close();
	}

	@Test
	void putsTheSpanIdBesideTheConnectionIdInTheLogContext() {
		try (LogContext context = LogContext.of(this.session)) {
			onMessage("{\"type\":\"chat\"}");
		}
		assertThat(this.ended).singleElement().satisfies((span) -> {
			assertThat(span.getName()).isEqualTo("message chat");
			assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
			assertThat(span.getAttributes().get(TYPE)).isEqualTo("chat");
			assertThat(this.seen).containsExactly(this.session.id(), span.getSpanId());
		});
		assertThat(MDC.get(LogContext.SPAN_ID)).isNull();
	}

	@Test
	void takesAValidTraceparentAsParent() {
		onMessage(
				"{\"type\":\"ping\",\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}");
		assertThat(this.ended).singleElement().satisfies((span) -> {
			assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
			assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
		});
	}

	@Test
	void ignoresAMalformedTraceparent() {
		onMessage(
				"{\"type\":\"ping\",\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7\"}");
		assertThat(this.ended).singleElement().satisfies((span) -> {
			assertThat(span.getTraceId()).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
			assertThat(span.getParentSpanContext().isValid()).isFalse();
		});
	}

	@Test
	void neverNamesATypeWithoutAHandler() {
		onMessage("{\"type\":\"alice@example.com\"}");
		onMessage("not json");
		assertThat(this.ended).hasSize(2).allSatisfy((span) -> {
			assertThat(span.getName()).isEqualTo("message");
			assertThat(span.getAttributes().get(TYPE)).isEqualTo("unknown");
		});
	}

	/** Reads the text once and hands it to the dispatcher, as the router does. */
	private void onMessage(String text) {
		InboundMessage message;
		try {
			message = this.codec.read(text);
		}
		catch (JacksonException ex) {
			this.dispatcher.refuse(this.session, null, ErrorCode.BAD_JSON, "message is not valid JSON");
			return;
		}
		this.dispatcher.dispatch(this.session, message);
	}

	private final class Recording implements MessageDispatcher {

		@Override
		public Set<String> types() {
			return Set.of("chat", "ping");
		}

		@Override
		public void dispatch(ClientSession session, InboundMessage message) {
			TracingInboundHandlerTests.this.seen.add(MDC.get(LogContext.CONNECTION_ID));
			TracingInboundHandlerTests.this.seen.add(MDC.get(LogContext.SPAN_ID));
		}

		@Override
		public void refuse(ClientSession session, String id, ErrorCode code, String reason) {
		}

	}

	private final class Collecting implements SpanExporter {

		@Override
		public CompletableResultCode export(Collection<SpanData> spans) {
			TracingInboundHandlerTests.this.ended.addAll(spans);
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode flush() {
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode shutdown() {
			return CompletableResultCode.ofSuccess();
		}

	}

}
