package io.wsgateway.tracing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.awaitility.Awaitility;

/**
 * A real OTLP/HTTP trace receiver on a random loopback port: {@code POST /v1/traces}
 * with a protobuf {@code ExportTraceServiceRequest}, answered as a collector does. Keeps
 * every span it decoded.
 */
final class OtlpReceiver implements AutoCloseable {

	private static final HexFormat HEX = HexFormat.of();

	private final HttpServer server;

	private final List<Received> spans = new CopyOnWriteArrayList<>();

	/** A decoded span, its ids in lower-case hex. */
	record Received(String traceId, String spanId, String parentSpanId, String name, Span span) {

		/** Returns the string value of the attribute, or {@code null}. */
		String attribute(String key) {
			return this.span.getAttributesList()
				.stream()
				.filter((attribute) -> attribute.getKey().equals(key))
				.map(KeyValue::getValue)
				.map((value) -> value.hasIntValue() ? Long.toString(value.getIntValue()) : value.getStringValue())
				.findFirst()
				.orElse(null);
		}

		List<String> attributeKeys() {
			return this.span.getAttributesList().stream().map(KeyValue::getKey).toList();
		}

	}

	OtlpReceiver() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/v1/traces", this::export);
		this.server.start();
	}

	/** Returns the endpoint for {@code management.opentelemetry.tracing.export.otlp.endpoint}. */
	String endpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
	}

	List<Received> spans() {
		return List.copyOf(this.spans);
	}

	/** Waits for a span that matches and returns it. */
	Received await(Predicate<Received> condition, Duration timeout) {
		return Awaitility.await()
			.atMost(timeout)
			.until(() -> this.spans.stream().filter(condition).findFirst().orElse(null), (span) -> span != null);
	}

	private void export(HttpExchange exchange) throws IOException {
		try (exchange) {
			if (!"POST".equals(exchange.getRequestMethod())) {
				exchange.sendResponseHeaders(405, -1);
				return;
			}
			InputStream body = exchange.getRequestBody();
			if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
				body = new GZIPInputStream(body);
			}
			ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
			for (ResourceSpans resource : request.getResourceSpansList()) {
				for (ScopeSpans scope : resource.getScopeSpansList()) {
					for (Span span : scope.getSpansList()) {
						this.spans.add(new Received(HEX.formatHex(span.getTraceId().toByteArray()),
								HEX.formatHex(span.getSpanId().toByteArray()),
								HEX.formatHex(span.getParentSpanId().toByteArray()), span.getName(), span));
					}
				}
			}
			byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
			exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
			exchange.sendResponseHeaders(200, (response.length > 0) ? response.length : -1);
			exchange.getResponseBody().write(response);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
