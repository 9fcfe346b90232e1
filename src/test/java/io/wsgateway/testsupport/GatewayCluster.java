package io.wsgateway.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.wsgateway.GatewayApplication;
import io.wsgateway.bus.EventBus;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * Gateway nodes on the real broker ({@link RabbitBroker}), sharing exchanges of their own
 * (unique per cluster, deleted by {@link #close()}), plus a backend service's view of
 * {@code gateway.client-events}. Nodes run in this JVM, each with its own application
 * context on a random port.
 * <pre>{@code
 * try (GatewayCluster cluster = GatewayCluster.create("gateway.presence.grace-period=2s")) {
 *     GatewayCluster.Node a = cluster.start("node-a");
 *     GatewayCluster.Node b = cluster.start("node-b");
 *     TestClient alice = TestClient.connect(b.port(), TestTokens.token("alice"));
 *     cluster.awaitBackend((event) -> event.routingKey().equals("presence.connected"));
 * }
 * }</pre>
 * {@link Node#partition()} cuts a node off the broker for good, which to the others looks
 * exactly like a node that died.
 */
public final class GatewayCluster implements AutoCloseable {

	/** Generous wait for anything that crosses the broker. */
	public static final Duration WAIT = Duration.ofSeconds(20);

	/** An event a node published for backends. */
	public record BackendEvent(String routingKey, String body) {
	}

	private final RabbitBroker broker;

	private final String exchange;

	private final String clientExchange;

	private final List<String> properties;

	private final List<Node> nodes = new ArrayList<>();

	private final List<BackendEvent> backendEvents = new CopyOnWriteArrayList<>();

	private final Connection backend;

	private final Channel backendChannel;

	private GatewayCluster(RabbitBroker broker, List<String> properties) throws IOException, TimeoutException {
		this.broker = broker;
		String run = UUID.randomUUID().toString().substring(0, 8);
		this.exchange = "test.events." + run;
		this.clientExchange = "test.client-events." + run;
		this.properties = properties;
		this.backend = broker.clientFactory().newConnection("test-backend");
		this.backendChannel = this.backend.createChannel();
		this.backendChannel.exchangeDeclare(this.exchange, "topic", true);
		this.backendChannel.exchangeDeclare(this.clientExchange, "topic", true);
		String queue = this.backendChannel.queueDeclare().getQueue();
		this.backendChannel.queueBind(queue, this.clientExchange, "#");
		this.backendChannel.basicConsume(queue, true,
				(tag, delivery) -> this.backendEvents.add(new BackendEvent(delivery.getEnvelope().getRoutingKey(),
						new String(delivery.getBody(), StandardCharsets.UTF_8))),
				(tag) -> {
				});
	}

	/**
	 * Prepares a cluster; nodes start with {@link #start}.
	 * @param properties {@code name=value} pairs for every node, on top of the defaults here
	 */
	public static GatewayCluster create(String... properties) throws IOException, TimeoutException {
		return new GatewayCluster(RabbitBroker.get(), List.of(properties));
	}

	/** Starts a node and waits until its bus is connected. */
	public Node start(String nodeId, String... extraProperties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "gateway.node-id=" + nodeId,
				"gateway.bus.type=rabbitmq", "gateway.bus.exchange=" + this.exchange,
				"gateway.bus.client-exchange=" + this.clientExchange, "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.admission.handshakes-per-minute-per-ip=100000", "gateway.admission.max-connections-per-ip=1000",
				"gateway.limits.messages-per-second=10000", "spring.main.banner-mode=off",
				"spring.security.user.name=test", "spring.security.user.password=test",
				// Nodes stopping, and partitioned nodes, are expected here: keep their warnings quiet.
				"logging.level.io.wsgateway=ERROR", "logging.level.org.springframework.amqp=ERROR",
				"logging.level.com.rabbitmq=ERROR", "logging.level.org.springframework.boot.security=ERROR"));
		all.addAll(List.of(this.broker.springProperties()));
		all.addAll(this.properties);
		all.addAll(List.of(extraProperties));
		// A name given twice would bind as a list: the later value wins instead.
		Map<String, String> byName = new LinkedHashMap<>();
		for (String property : all) {
			String[] nameAndValue = property.split("=", 2);
			byName.put(nameAndValue[0], nameAndValue[1]);
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class)
			.run(byName.entrySet().stream().map((property) -> "--" + property.getKey() + "=" + property.getValue())
				.toArray(String[]::new));
		Node node = new Node(nodeId, context);
		this.nodes.add(node);
		await().atMost(WAIT).until(() -> node.bean(EventBus.class).isConnected());
		return node;
	}

	/** Returns the name of the cluster's {@code gateway.bus.exchange}, where backends publish events. */
	public String exchange() {
		return this.exchange;
	}

	/** Returns the name of the cluster's {@code gateway.bus.client-exchange}, where nodes publish for backends. */
	public String clientExchange() {
		return this.clientExchange;
	}

	/** Returns the events nodes published for backends so far, in arrival order. */
	public List<BackendEvent> backendEvents() {
		return List.copyOf(this.backendEvents);
	}

	/** Returns the backend events that match, in arrival order. */
	public List<BackendEvent> backendEvents(Predicate<BackendEvent> condition) {
		return this.backendEvents.stream().filter(condition).toList();
	}

	/** Waits up to {@link #WAIT} for a backend event that matches and returns the first. */
	public BackendEvent awaitBackend(Predicate<BackendEvent> condition) {
		return await().atMost(WAIT)
			.until(() -> backendEvents(condition).stream().findFirst().orElse(null), (event) -> event != null);
	}

	/** Stops every node still running and deletes the exchanges. */
	@Override
	public void close() throws IOException, TimeoutException {
		for (Node node : this.nodes) {
			node.close();
		}
		this.backendChannel.exchangeDelete(this.exchange);
		this.backendChannel.exchangeDelete(this.clientExchange);
		this.backend.close();
	}

	/** One gateway node. */
	public static final class Node implements AutoCloseable {

		private final String nodeId;

		private final ConfigurableApplicationContext context;

		private Node(String nodeId, ConfigurableApplicationContext context) {
			this.nodeId = nodeId;
			this.context = context;
		}

		/** Returns the node's {@code gateway.node-id}. */
		public String nodeId() {
			return this.nodeId;
		}

		/** Returns the HTTP and WebSocket port. */
		public int port() {
			return ((WebServerApplicationContext) this.context).getWebServer().getPort();
		}

		/** Returns a bean of the node's context. */
		public <T> T bean(Class<T> type) {
			return this.context.getBean(type);
		}

		/** Returns whether the node's context has a bean of this type. */
		public boolean hasBean(Class<?> type) {
			return this.context.getBeanNamesForType(type).length > 0;
		}

		/**
		 * Cuts the node off the broker for good: its connection is closed (its queue stays
		 * until {@code gateway.bus.queue-expiry}) and every reconnection fails. It keeps serving its clients, but nothing it
		 * publishes reaches anyone, as if it had died.
		 */
		public void partition() {
			CachingConnectionFactory connections = bean(CachingConnectionFactory.class);
			// An address resolver wins over the configured addresses; port 1 refuses at once.
			connections.setAddressResolver(() -> List.of(new Address("127.0.0.1", 1)));
			connections.resetConnection();
		}

		/** Stops the node (gracefully: its clients are closed with 1001); later calls do nothing. */
		@Override
		public void close() {
			if (this.context.isActive()) {
				this.context.close();
			}
		}

	}

}
