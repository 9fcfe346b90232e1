package io.wsgateway.tracing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.wsgateway.protocol.MessageRouter;
import io.wsgateway.session.InboundMessageHandler;
import io.wsgateway.testsupport.GatewayCluster;
import io.wsgateway.testsupport.RabbitBroker;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracing end to end, on the real broker, exported over OTLP/HTTP to a real receiver
 * started here. The test backend is a plain RabbitMQ client consumer that continues the
 * trace from the message's AMQP headers with the OpenTelemetry SDK (W3C propagator) and
 * exports its own span to the same receiver, as a Java backend would.
 */
class TracingEndToEndTests {

	private static final String CLIENT_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";

	private static final String BACKEND_SPAN = "backend chat.message";

	private static final TextMapGetter<Map<String, Object>> HEADERS = new TextMapGetter<>() {

		@Override
		public Iterable<String> keys(Map<String, Object> carrier) {
			return carrier.keySet();
		}

		@Override
		public String get(Map<String, Object> carrier, String key) {
			Object value = (carrier != null) ? carrier.get(key) : null;
			return (value != null) ? value.toString() : null;
		}

	};

	private static OtlpReceiver receiver;

	private static GatewayCluster cluster;

	private static GatewayCluster.Node node;

	private static Connection backend;

	private static SdkTracerProvider backendTracing;

	private static final List<Map<String, Object>> backendHeaders = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void start() throws IOException, TimeoutException {
		receiver = new OtlpReceiver();
		cluster = GatewayCluster.create("management.opentelemetry.tracing.export.otlp.endpoint=" + receiver.endpoint(),
				"management.tracing.sampling.probability=1.0",
				"management.opentelemetry.tracing.export.schedule-delay=100ms");
		node = cluster.start("traced");
		backendTracing = SdkTracerProvider.builder()
			.addSpanProcessor(
					SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder().setEndpoint(receiver.endpoint()).build()))
			.build();
		backend = RabbitBroker.get().clientFactory().newConnection("test-traced-backend");
		consume(backend.createChannel(), cluster.clientExchange(), (headers) -> {
			Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
			backendTracing.get("test-backend")
				.spanBuilder(BACKEND_SPAN)
				.setParent(parent)
				.setSpanKind(SpanKind.CONSUMER)
				.startSpan()
				.end();
		});
	}

	@AfterAll
	static void stop() throws IOException, TimeoutException {
		if (backend != null) {
			backend.close();
		}
		if (backendTracing != null) {
			backendTracing.close();
		}
		if (cluster != null) {
			cluster.close();
		}
		if (receiver != null) {
			receiver.close();
		}
	}

	@Test
	void tracesAChatMessageThroughTheBrokerToABackend() {
		String clan = "clan-" + UUID.randomUUID().toString().substring(0, 8);
		try (TestClient alice = TestClient.connect(node.port(), TestTokens.token("alice", List.of(), List.of(clan)))) {
			alice.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"" + clan + "\"}");
			JsonNode sent = alice.request("{\"type\":\"chat\",\"clanId\":\"" + clan + "\",\"content\":\"hello\"}");
			assertThat(sent.path("type").asString()).isEqualTo("message_sent");
		}
		OtlpReceiver.Received backendSpan = receiver.await(
				(span) -> span.name().equals(BACKEND_SPAN) && !span.traceId().equals(CLIENT_TRACE_ID),
				GatewayCluster.WAIT);
		OtlpReceiver.Received publish = receiver.await((span) -> span.spanId().equals(backendSpan.parentSpanId()),
				GatewayCluster.WAIT);
		assertThat(publish.name()).isEqualTo("publish " + cluster.clientExchange());
		assertThat(publish.attribute(MicrometerBusTracing.FAMILY_TAG)).isEqualTo("chat");
		OtlpReceiver.Received inbound = receiver.await((span) -> span.spanId().equals(publish.parentSpanId()),
				GatewayCluster.WAIT);
		assertThat(inbound.name()).isEqualTo("message chat");
		assertThat(inbound.attribute(TracingInboundHandler.TYPE_TAG)).isEqualTo("chat");
		assertThat(inbound.parentSpanId()).isEmpty();
		assertThat(List.of(publish.traceId(), backendSpan.traceId())).containsOnly(inbound.traceId());
		// the clan id and the user id are in the routing key and the session, never in a tag
		assertThat(receiver.spans()).allSatisfy((span) -> assertThat(span.span().getAttributesList().toString())
			.doesNotContain(clan)
			.doesNotContain("alice"));
	}

	@Test
	void continuesTheClientsTraceparentAndIgnoresAMalformedOne() {
		String clan = "clan-" + UUID.randomUUID().toString().substring(0, 8);
		try (TestClient bob = TestClient.connect(node.port(), TestTokens.token("bob", List.of(), List.of(clan)))) {
			bob.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"" + clan + "\"}");
			bob.request("{\"type\":\"chat\",\"clanId\":\"" + clan + "\",\"content\":\"traced\",\"traceparent\":\"00-"
					+ CLIENT_TRACE_ID + "-" + CLIENT_SPAN_ID + "-01\"}");
			bob.request("{\"type\":\"ping\",\"traceparent\":\"00-" + CLIENT_TRACE_ID.toUpperCase() + "-"
					+ CLIENT_SPAN_ID + "-01\"}");
		}
		OtlpReceiver.Received inbound = receiver.await(
				(span) -> span.name().equals("message chat") && span.traceId().equals(CLIENT_TRACE_ID),
				GatewayCluster.WAIT);
		assertThat(inbound.parentSpanId()).isEqualTo(CLIENT_SPAN_ID);
		receiver.await((span) -> span.name().equals(BACKEND_SPAN) && span.traceId().equals(CLIENT_TRACE_ID),
				GatewayCluster.WAIT);
		OtlpReceiver.Received ping = receiver.await((span) -> span.name().equals("message ping"),
				GatewayCluster.WAIT);
		assertThat(ping.traceId()).isNotEqualTo(CLIENT_TRACE_ID);
		assertThat(ping.parentSpanId()).isEmpty();
	}

	@Test
	void continuesABackendNotificationsTraceIntoTheDelivery() throws IOException, TimeoutException {
		String traceId = UUID.randomUUID().toString().replace("-", "");
		String backendSpanId = traceId.substring(0, 16);
		try (TestClient carol = TestClient.connect(node.port(), TestTokens.token("carol"));
				Channel channel = backend.createChannel()) {
			carol.request("{\"type\":\"subscribe_notifications\"}");
			AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
				.headers(Map.of("traceparent", "00-" + traceId + "-" + backendSpanId + "-01"))
				.build();
			channel.basicPublish(cluster.exchange(), "notification.user.carol", properties,
					"{\"title\":\"traced\"}".getBytes(StandardCharsets.UTF_8));
			assertThat(carol.next("notification").path("title").asString()).isEqualTo("traced");
		}
		OtlpReceiver.Received delivery = receiver.await((span) -> span.traceId().equals(traceId), GatewayCluster.WAIT);
		assertThat(delivery.name()).isEqualTo("process " + cluster.exchange());
		assertThat(delivery.parentSpanId()).isEqualTo(backendSpanId);
		assertThat(delivery.attribute(MicrometerBusTracing.SESSIONS_TAG)).isEqualTo("1");
		assertThat(delivery.attribute(MicrometerBusTracing.FAMILY_TAG)).isEqualTo("notification");
		assertThat(delivery.attributeKeys()).contains(MicrometerBusTracing.FAN_OUT_TAG);
	}

	@Test
	void addsNoHeaderAndExportsNothingWhenNotConfigured() throws IOException, TimeoutException {
		List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
		try (GatewayCluster untraced = GatewayCluster.create();
				Connection connection = RabbitBroker.get().clientFactory().newConnection("test-untraced-backend")) {
			consume(connection.createChannel(), untraced.clientExchange(), seen::add);
			GatewayCluster.Node plain = untraced.start("untraced");
			String clan = "clan-" + UUID.randomUUID().toString().substring(0, 8);
			try (TestClient dave = TestClient.connect(plain.port(), TestTokens.token("dave", List.of(), List.of(clan)))) {
				dave.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"" + clan + "\"}");
				dave.request("{\"type\":\"chat\",\"clanId\":\"" + clan + "\",\"content\":\"plain\",\"traceparent\":\"00-"
						+ CLIENT_TRACE_ID + "-" + CLIENT_SPAN_ID + "-01\"}");
			}
			await().atMost(GatewayCluster.WAIT).until(() -> !seen.isEmpty());
			assertThat(seen).allSatisfy((headers) -> assertThat(headers).doesNotContainKeys("traceparent",
					"tracestate"));
			assertThat(plain.bean(InboundMessageHandler.class)).isInstanceOf(MessageRouter.class);
			assertThat(plain.hasBean(SpanExporter.class)).isFalse();
			// Boot's tracer is there (the bridge is on the class path), but with no endpoint
			// there is no exporter: nothing can leave the node
			assertThat(plain.hasBean(Tracer.class)).isTrue();
		}
	}

	private static void consume(Channel channel, String exchange, HeadersConsumer consumer) throws IOException {
		String queue = channel.queueDeclare().getQueue();
		channel.queueBind(queue, exchange, "chat.message.#");
		channel.basicConsume(queue, true, (tag, delivery) -> {
			Map<String, Object> headers = delivery.getProperties().getHeaders();
			consumer.accept((headers != null) ? new HashMap<>(headers) : Map.of());
		}, (tag) -> {
		});
	}

	@FunctionalInterface
	private interface HeadersConsumer {

		void accept(Map<String, Object> headers);

	}

}
