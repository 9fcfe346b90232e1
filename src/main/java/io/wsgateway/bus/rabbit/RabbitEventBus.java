package io.wsgateway.bus.rabbit;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.wsgateway.NodeIdentity;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusMetering;
import io.wsgateway.bus.BusProperties;
import io.wsgateway.bus.BusTracing;
import io.wsgateway.bus.EventBus;
import io.wsgateway.bus.EventDispatcher;
import io.wsgateway.bus.MalformedEventException;
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
 * and {@code gateway.client-events}, and a durable queue of this node's own
 * ({@link NodeQueue}) that outlives its connection, bound only to the keys its local
 * sessions need. Every publish is mandatory and confirmed ({@link ConfirmingPublisher}):
 * an event reaches this node's own sessions only after the broker confirmed it into the
 * queues, and the sender hears of a failure only when it reached no queue at all. So an
 * {@code ack} means every node that stays up gets the event, and an error means nobody did.
 *
 * <p>Events come back to this node through its own queue too (its queue routes the keys
 * of its sessions); they are skipped there, as are copies of an event already delivered
 * (sent again after a lost confirm, or redelivered after a dropped connection).
 */
class RabbitEventBus implements EventBus, ConnectionListener, MessageListener {

	private static final Logger logger = LoggerFactory.getLogger(RabbitEventBus.class);

	private final EventDispatcher dispatcher;

	private final BusMetering metering;

	private final BusFaultMeters faults;

	private final CircuitBreaker circuitBreaker;

	private final ConfirmingPublisher publisher;

	private final BusProperties properties;

	private final BusTracing tracing;

	private final ToIntFunction<BusEvent> deliver;

	private final NodeQueue queue;

	private final String instanceId;

	private final int eventDeliveryMode;

	private final Duplicates duplicates;

	private volatile boolean connected;

	RabbitEventBus(ConnectionFactory connectionFactory, EventDispatcher dispatcher, BusMetering metering,
			BusFaultMeters faults, CircuitBreaker circuitBreaker, BusProperties properties, NodeIdentity node,
			BusTracing tracing) {
		this.dispatcher = dispatcher;
		this.metering = metering;
		this.faults = faults;
		this.circuitBreaker = circuitBreaker;
		this.properties = properties;
		this.tracing = tracing;
		this.deliver = dispatcher::dispatch;
		this.eventDeliveryMode = properties.persistentEvents() ? BusMessages.PERSISTENT : BusMessages.TRANSIENT;
		this.duplicates = new Duplicates(properties.duplicateWindow());
		this.instanceId = node.instance();
		this.queue = new NodeQueue(connectionFactory, properties, "gateway.node." + this.instanceId);
		this.publisher = new ConfirmingPublisher(connectionFactory, this.instanceId, properties.confirmTimeout(),
				faults, this.queue::declareExchanges);
		connectionFactory.addConnectionListener(this);
	}

	/** Returns the name of this node's queue. */
	String queue() {
		return this.queue.name();
	}

	/** Returns the keys this node's queue is bound to on {@code gateway.events} (or will be, once connected). */
	Set<String> bindings() {
		return this.queue.eventKeys();
	}

	@Override
	public CompletionStage<Void> publish(BusEvent.Frame event) {
		return guarded(() -> {
			this.metering.published(event.kind());
			BusTracing.Publish trace = this.tracing.publishing(this.properties.exchange(), event.routingKey());
			return trace.watch(this.publisher.publish(this.properties.exchange(),
					this.queue.onBroker(event.routingKey()), trace.headers(BusMessages.headers(event, this.instanceId)),
					BusMessages.properties(this.eventDeliveryMode), BusMessages.bytes(event.body()),
					() -> deliverOwn(event)));
		});
	}

	@Override
	public CompletionStage<Void> publishWithBackend(BusEvent.Frame event, String backendRoutingKey) {
		return guarded(() -> {
			this.metering.published(event.kind());
			Map<String, Object> headers = BusMessages.headers(event, this.instanceId);
			headers.put(BusMessages.EVENT_KEY, event.routingKey());
			BusTracing.Publish trace = this.tracing.publishing(this.properties.clientExchange(), backendRoutingKey);
			// Persistent whatever gateway.bus.persistent-events says: the backend contract.
			return trace.watch(this.publisher.publish(this.properties.clientExchange(),
					this.queue.onBroker(backendRoutingKey), trace.headers(headers),
					BusMessages.properties(BusMessages.PERSISTENT), BusMessages.bytes(event.body()),
					() -> deliverOwn(event)));
		});
	}

	@Override
	public CompletionStage<Void> publishToBackend(String routingKey, String json) {
		return guarded(() -> {
			this.metering.published(routingKey);
			BusTracing.Publish trace = this.tracing.publishing(this.properties.clientExchange(), routingKey);
			return trace.watch(this.publisher.publish(this.properties.clientExchange(), this.queue.onBroker(routingKey),
					trace.headers(new HashMap<>(2)), BusMessages.properties(BusMessages.PERSISTENT),
					BusMessages.bytes(json), null));
		});
	}

	@Override
	public void bind(String routingKey) {
		this.queue.bind(false, routingKey, this.connected);
	}

	@Override
	public void unbind(String routingKey) {
		this.queue.unbind(false, routingKey, this.connected);
	}

	@Override
	public void bindClientEvents(String backendRoutingKey) {
		this.queue.bind(true, backendRoutingKey, this.connected);
	}

	@Override
	public void unbindClientEvents(String backendRoutingKey) {
		this.queue.unbind(true, backendRoutingKey, this.connected);
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

	/** Returns the messages waiting in this node's queue, or -1 when the broker cannot say. */
	long queueDepth() {
		return this.connected ? this.queue.depth() : -1;
	}

	/** Returns how many of this node's publishes await their outcome. */
	int awaitingOutcome() {
		return this.publisher.awaitingOutcome();
	}

	@Override
	public void onCreate(Connection connection) {
		try (Channel channel = connection.createChannel(false)) {
			this.queue.declare(channel);
			this.connected = true;
			logger.info("Broker connected; queue {} bound to {} key(s)", this.queue.name(), this.queue.size());
		}
		catch (Exception ex) {
			logger.warn("Could not declare the gateway topology: {}", ex.toString());
			return;
		}
		this.publisher.resume();
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
		if (this.duplicates.seen(event.origin(), message.getMessageProperties())) {
			this.faults.duplicate();
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
			this.metering.malformed();
			logger.error("Delivering the event for {} failed", event.routingKey(), ex);
		}
	}

	/** Called when the context closes, after the consumer stopped: nobody will read the queue again. */
	void stop() {
		this.publisher.shutdown();
		if (this.connected) {
			this.queue.delete();
		}
	}

	/** Delivers one of this node's events to its sessions, once the broker has confirmed it. */
	private void deliverOwn(BusEvent event) {
		try {
			this.dispatcher.dispatch(event);
		}
		catch (RuntimeException ex) {
			logger.error("Delivering the event for {} on this node failed", event.routingKey(), ex);
		}
	}

	private void malformed(BusEvent event, String why) {
		this.metering.malformed();
		logger.warn("Dropped a malformed event for routing key {}: {}", event.routingKey(), why);
	}

	private CompletionStage<Void> guarded(Supplier<CompletableFuture<Void>> publish) {
		if (!this.connected || !this.circuitBreaker.tryAcquirePermission()) {
			return CompletableFuture.failedStage(unavailable());
		}
		long start = System.nanoTime();
		return publish.get().handle((confirmed, failure) -> {
			long elapsed = System.nanoTime() - start;
			if (failure == null) {
				this.circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
				this.metering.roundtrip(elapsed);
				return null;
			}
			if (failure instanceof Outgoing.UnroutableException) {
				// The broker works; nobody listens for this key.
				this.circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
				throw new CompletionException(new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
						"nobody receives this message right now (no queue is bound to it), try again later"));
			}
			this.circuitBreaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
			throw new CompletionException(unavailable());
		});
	}

	private static GatewayException unavailable() {
		return new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "the message broker is unavailable, try again later");
	}

}
