package io.wsgateway.tracing;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.ops.TestGatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.RouterBenchmark;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.InboundMessageHandler;
import io.wsgateway.session.LoadSessions;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The inbound path's cost of tracing: an echo through the router as wired with tracing
 * off ({@code off}: the router itself, what runs without an OTLP endpoint) and on at a
 * sampling probability, with Spring Boot's sampler (parent-based trace-id ratio) and
 * batch span processor, and an exporter that drops the batches: OTLP encoding and the
 * network are left out, they run on the exporter's thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TracingBenchmark {

	@Param({ "off", "1.0", "0.01" })
	public String tracing;

	private ValidatorFactory validators;

	private SdkTracerProvider provider;

	private InboundMessageHandler handler;

	private ClientSession session;

	@Setup
	public void setUp() {
		this.validators = Validation.buildDefaultValidatorFactory();
		MessageCodec codec = new MessageCodec();
		GatewayMetrics metrics = TestGatewayMetrics.create();
		this.session = LoadSessions.session("jmh", new LoadSessions.CountingTransport(), metrics);
		if (this.tracing.equals("off")) {
			this.handler = RouterBenchmark.router(codec, this.validators.getValidator(), metrics);
			return;
		}
		this.provider = SdkTracerProvider.builder()
			.setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(Double.parseDouble(this.tracing))))
			.addSpanProcessor(BatchSpanProcessor.builder(new Dropping()).build())
			.build();
		io.opentelemetry.api.trace.Tracer otel = this.provider.get("jmh");
		OtelTracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), (event) -> {
		});
		OtelPropagator propagator = new OtelPropagator(
				ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
		this.handler = RouterBenchmark.router(codec, this.validators.getValidator(), metrics,
				new TracingInboundHandler(tracer, propagator));
	}

	@TearDown
	public void tearDown() {
		if (this.provider != null) {
			this.provider.close();
		}
		this.validators.close();
	}

	@Benchmark
	public void routeEcho() {
		this.handler.onMessage(this.session, RouterBenchmark.ECHO);
	}

	private static final class Dropping implements SpanExporter {

		@Override
		public CompletableResultCode export(Collection<SpanData> batch) {
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
