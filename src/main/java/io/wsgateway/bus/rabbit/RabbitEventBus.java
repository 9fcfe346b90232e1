package io.wsgateway.bus.rabbit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.wsgateway.NodeProperties;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusProperties;
import io.wsgateway.bus.BusTracing;
import io.wsgateway.bus.EventBus;
import io.wsgateway.bus.EventDispatcher;
import io.wsgateway.bus.MalformedEventException;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * The multi-node bus ({@code gateway.bus.type=rabbitmq}).
 *
 * <p>Topology, declared by every node: the durable topic exchanges {@code gateway.events}
 * and {@code gateway.client-events}, and one exclusive auto-delete queue per node bound
 * only to the keys its local sessions need. The queue and every binding are declared
 * again whenever the connection is re-established, so a broker restart or a dropped
 * connection heals without a restart.
 *
 * <p>Events this node publishes are delivered to its own sessions at once and skipped
 * when they come back through the queue, so local members get them exactly once. While
 * the broker is unreachable, or the circuit breaker is open after publish failures,
 * every publish fails at once with {@code service_unavailable} and nothing is delivered.
 */
class RabbitEventBus implements EventBus, ConnectionListener, MessageListener {

	private static final Logger logger = LoggerFactory.getLogger(RabbitEventBus.class);

	private static final String JSON = "application/json";

	private static final int TRANSIENT = 1;

	private static final int PERSISTENT = 2;

	private final ConnectionFactory connectionFactory;

	private final EventDispatcher dispatcher;

	private final GatewayMetrics metrics;

	private final CircuitBreaker circuitBreaker;

	private final ConfirmingPublisher publisher;

	private final BusProperties properties;

	private final BusTracing tracing;

	private final ToIntFunction<BusEvent> deliver;

	private final String queue;

	private final String instanceId;

	private final Set<String> bindings = ConcurrentHashMap.newKeySet();

	private volatile boolean connected;

	RabbitEventBus(ConnectionFactory connectionFactory, EventDispatcher dispatcher, GatewayMetrics metrics,
			CircuitBreaker circuitBreaker, BusProperties properties, NodeProperties node, BusTracing tracing) {
		this.connectionFactory = connectionFactory;
		this.dispatcher = dispatcher;
		this.metrics = metrics;
		this.circuitBreaker = circuitBreaker;
		this.properties = properties;
		this.tracing = tracing;
		this.deliver = dispatcher::dispatch;
		this.publisher = new ConfirmingPublisher(connectionFactory);
		// Unique per process even where two nodes share a host name, since it decides
		// which events are this node's own.
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		this.instanceId = node.nodeId() + "-" + suffix;
		this.queue = "gateway.node." + this.instanceId;
		connectionFactory.addConnectionListener(this);
	}

	/** Returns the name of this node's queue. */
	String queue() {
		return this.queue;
	}

	/** Returns the keys this node's queue is bound to (or will be, once connected). */
	Set<String> bindings() {
		return Set.copyOf(this.bindings);
	}

	@Override
	public CompletionStage<Void> publish(BusEvent event) {
		return guarded(() -> {
			BusTracing.Publish trace = this.tracing.publishing(this.properties.exchange(), event.routingKey());
			AMQP.BasicProperties amqp = new AMQP.BasicProperties.Builder().contentType(JSON)
				.deliveryMode(TRANSIENT)
				.headers(trace.headers(headers(event)))
				.build();
			// Handed to the publisher thread before the local dispatch, so that the other nodes
			// start their fan-out while this one does its own instead of after it.
			CompletableFuture<Void> published = trace.watch(this.publisher.publish(this.properties.exchange(),
					onBroker(event.routingKey()), amqp, bytes(event.body())));
			this.dispatcher.dispatch(event);
			this.metrics.busPublished(GatewayMetrics.BusKind.of(event.kind()));
			return published;
		});
	}

	@Override
	public CompletionStage<Void> publishToBackend(String routingKey, String json) {
		return guarded(() -> {
			this.metrics.busPublished(GatewayMetrics.BusKind.of(routingKey));
			BusTracing.Publish trace = this.tracing.publishing(this.properties.clientExchange(), routingKey);
			AMQP.BasicProperties amqp = new AMQP.BasicProperties.Builder().contentType(JSON)
				.deliveryMode(PERSISTENT)
				.headers(trace.headers(null))
				.build();
			return trace.watch(
					this.publisher.publish(this.properties.clientExchange(), onBroker(routingKey), amqp, bytes(json)));
		});
	}

	@Override
	public void bind(String routingKey) {
		if (isWildcard(routingKey)) {
			logger.warn("Not binding a key with an AMQP wildcard word ('*' or '#'): {}", routingKey);
			return;
		}
		if (this.bindings.add(routingKey) && this.connected) {
			onChannel((channel) -> channel.queueBind(this.queue, this.properties.exchange(), onBroker(routingKey)));
		}
	}

	@Override
	public void unbind(String routingKey) {
		if (this.bindings.remove(routingKey) && this.connected) {
			onChannel((channel) -> channel.queueUnbind(this.queue, this.properties.exchange(), onBroker(routingKey)));
		}
	}

	@Override
	public boolean isConnected() {
		return this.connected && this.circuitBreaker.getState() != CircuitBreaker.State.OPEN;
	}

	@Override
	public boolean reachesOtherNodes() {
		return true;
	}

	/** Returns whether the broker connection is open, whatever the circuit breaker says. */
	boolean isBrokerConnected() {
		return this.connected;
	}

	CircuitBreaker.State circuitState() {
		return this.circuitBreaker.getState();
	}

	@Override
	public void onCreate(Connection connection) {
		try (Channel channel = connection.createChannel(false)) {
			channel.exchangeDeclare(this.properties.exchange(), "topic", true);
			channel.exchangeDeclare(this.properties.clientExchange(), "topic", true);
			channel.queueDeclare(this.queue, false, true, true, Map.of());
			for (String key : this.bindings) {
				channel.queueBind(this.queue, this.properties.exchange(), onBroker(key));
			}
			this.connected = true;
			logger.info("Broker connected; queue {} bound to {} key(s)", this.queue, this.bindings.size());
		}
		catch (Exception ex) {
			logger.warn("Could not declare the gateway topology: {}", ex.toString());
		}
	}

	@Override
	public void onClose(Connection connection) {
		brokerLost("closed");
	}

	@Override
	public void onShutDown(ShutdownSignalException signal) {
		if (!signal.isInitiatedByApplication()) {
			brokerLost(signal.getMessage());
		}
	}

	private void brokerLost(String why) {
		if (this.connected) {
			logger.warn("Broker connection lost ({}); events that need the broker are refused until it is back", why);
		}
		this.connected = false;
	}

	@Override
	public void onMessage(Message message) {
		BusEvent event = BusMessages.toEvent(message, this.properties.routingKeyPrefix());
		if (this.instanceId.equals(event.origin())) {
			return;
		}
		try {
			if (this.tracing.delivering(this.properties.exchange(), event, message.getMessageProperties().getHeaders(),
					this.deliver) == EventDispatcher.NO_LISTENER) {
				malformed(event, "no listener for this routing key");
			}
		}
		catch (MalformedEventException ex) {
			malformed(event, ex.getMessage());
		}
		catch (RuntimeException ex) {
			this.metrics.busMalformed();
			logger.error("Delivering the event for {} failed", event.routingKey(), ex);
		}
	}

	void stop() {
		this.publisher.shutdown();
	}

	private void malformed(BusEvent event, String why) {
		this.metrics.busMalformed();
		logger.warn("Dropped a malformed event for routing key {}: {}", event.routingKey(), why);
	}

	private CompletionStage<Void> guarded(Supplier<CompletableFuture<Void>> publish) {
		if (!this.connected || !this.circuitBreaker.tryAcquirePermission()) {
			return CompletableFuture.failedStage(unavailable());
		}
		long start = System.nanoTime();
		Duration timeout = this.properties.confirmTimeout();
		return publish.get().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((confirmed, failure) -> {
			long elapsed = System.nanoTime() - start;
			if (failure == null) {
				this.circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
				this.metrics.busRoundtrip(elapsed);
				return null;
			}
			this.circuitBreaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
			throw new CompletionException(unavailable());
		});
	}

	private void onChannel(ChannelAction action) {
		try (Channel channel = this.connectionFactory.createConnection().createChannel(false)) {
			action.run(channel);
		}
		catch (Exception ex) {
			// The binding set is the truth; onCreate applies it when the connection is back.
			logger.debug("Binding change deferred until the broker is back: {}", ex.toString());
		}
	}

	private Map<String, Object> headers(BusEvent event) {
		Map<String, Object> headers = new HashMap<>(4);
		headers.put(BusMessages.ORIGIN, this.instanceId);
		if (event.kind() != null) {
			headers.put(BusMessages.KIND, event.kind());
		}
		if (event.excludeConnection() != null) {
			headers.put(BusMessages.EXCLUDE, event.excludeConnection());
		}
		return headers;
	}

	/** Returns the key as it is on the broker, with {@code gateway.bus.routing-key-prefix} in front. */
	private String onBroker(String routingKey) {
		return this.properties.routingKeyPrefix() + routingKey;
	}

	private static boolean isWildcard(String routingKey) {
		for (String word : routingKey.split("\\.", -1)) {
			if (word.equals("*") || word.equals("#")) {
				return true;
			}
		}
		return false;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static GatewayException unavailable() {
		return new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "the message broker is unavailable, try again later");
	}

	@FunctionalInterface
	private interface ChannelAction {

		void run(Channel channel) throws Exception;

	}

}
