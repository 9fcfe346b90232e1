package io.wsgateway.bus.rabbit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsgateway.GatewayApplication;
import io.wsgateway.testsupport.RabbitBroker;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway nodes on one real broker, and a backend service played with the plain
 * AMQP client: every routing key in both directions, cross-node fan-out, binding
 * removal, a malformed backend event and recovery from dropped broker connections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RabbitEventBusIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final String exchange = "test.events." + this.run;

	private final String clientExchange = "test.client-events." + this.run;

	private RabbitBroker broker;

	private ConfigurableApplicationContext nodeA;

	private ConfigurableApplicationContext nodeB;

	private Connection backend;

	private Channel backendChannel;

	private final LinkedBlockingQueue<Delivery> toBackend = new LinkedBlockingQueue<>();

	record Delivery(String routingKey, String body, AMQP.BasicProperties properties) {
	}

	@BeforeAll
	void start() throws IOException, TimeoutException {
		this.broker = RabbitBroker.get();
		this.nodeA = node("node-a");
		this.nodeB = node("node-b");
		connectBackend();
		await().atMost(WAIT).until(() -> bus(this.nodeA).isConnected() && bus(this.nodeB).isConnected());
	}

	@AfterAll
	void stop() throws IOException, TimeoutException {
		if (this.nodeA != null) {
			this.nodeA.close();
		}
		if (this.nodeB != null) {
			this.nodeB.close();
		}
		if (this.backend != null) {
			this.backendChannel.exchangeDelete(this.exchange);
			this.backendChannel.exchangeDelete(this.clientExchange);
			this.backend.close();
		}
	}

	@Test
	void deliversBackendNotificationsToTheUserOnWhicheverNode() throws IOException {
		try (TestClient onB = TestClient.connect(port(this.nodeB), TestTokens.token("nina"));
				TestClient otherOnA = TestClient.connect(port(this.nodeA), TestTokens.token("otto"))) {
			onB.request("{\"type\":\"subscribe_notifications\"}");
			otherOnA.request("{\"type\":\"subscribe_notifications\"}");
			backendPublish("notification.user.nina", "{\"id\":\"n1\",\"title\":\"Hi\",\"message\":\"m\",\"data\":{\"k\":1}}");
			JsonNode notification = onB.next("notification", WAIT);
			assertThat(notification.path("id").asString()).isEqualTo("n1");
			assertThat(notification.path("title").asString()).isEqualTo("Hi");
			assertThat(notification.path("data").path("k").asInt()).isEqualTo(1);
			backendPublish("notification.broadcast", "{\"title\":\"All\",\"message\":\"everyone\"}");
			assertThat(otherOnA.next("notification", WAIT).path("title").asString()).isEqualTo("All");
			assertThat(onB.next("notification", WAIT).path("title").asString()).isEqualTo("All");
		}
	}

	@Test
	void deliversBackendRoomAndClanEvents() throws IOException {
		try (TestClient member = TestClient.connect(port(this.nodeB), TestTokens.token("rita", List.of(), List.of("c9")))) {
			member.request("{\"type\":\"join_room\",\"room\":\"backend-room\"}");
			member.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"c9\"}");
			backendPublish("room.backend-room", "{\"from\":\"ops\",\"payload\":{\"x\":1}}");
			JsonNode roomMessage = member.next("room_message", WAIT);
			assertThat(roomMessage.path("room").asString()).isEqualTo("backend-room");
			assertThat(roomMessage.path("from").asString()).isEqualTo("ops");
			assertThat(roomMessage.path("payload").path("x").asInt()).isEqualTo(1);
			backendPublish("chat.clan.c9", "{\"content\":\"maintenance at noon\"}");
			JsonNode chat = member.next("chat", WAIT);
			assertThat(chat.path("clanId").asString()).isEqualTo("c9");
			assertThat(chat.path("content").asString()).isEqualTo("maintenance at noon");
			assertThat(chat.path("userId").asString()).isEqualTo("system");
		}
	}

	@Test
	void publishesUserEventsToBackendsWithConfirms() throws Exception {
		this.toBackend.clear();
		try (TestClient client = TestClient.connect(port(this.nodeA),
				TestTokens.token("carl", List.of(), List.of("c1")))) {
			Delivery connected = awaitBackend("presence.connected", "\"userId\":\"carl\"");
			assertThat(connected.body()).contains("\"userId\":\"carl\"").contains("\"node\":\"node-a\"");
			client.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"c1\"}");
			JsonNode sent = client.request("{\"type\":\"chat\",\"clanId\":\"c1\",\"content\":\"hello\"}");
			assertThat(sent.path("type").asString()).isEqualTo("message_sent");
			Delivery chat = awaitBackend("chat.message.c1");
			assertThat(chat.body()).contains("\"messageId\":\"" + sent.path("messageId").asString() + "\"")
				.contains("\"content\":\"hello\"");
			assertThat(chat.properties().getDeliveryMode()).isEqualTo(2);
			assertThat(chat.properties().getContentType()).isEqualTo("application/json");
			JsonNode ack = client.request("{\"type\":\"notification_ack\",\"notificationId\":\"n42\"}");
			assertThat(ack.path("type").asString()).isEqualTo("ack");
			assertThat(awaitBackend("notification.ack.carl").body()).contains("\"notificationId\":\"n42\"")
				.contains("\"userId\":\"carl\"");
		}
		// debounced: after the presence grace period, and other tests' users may be leaving meanwhile
		assertThat(awaitBackend("presence.disconnected", "\"userId\":\"carl\"").body()).contains("\"node\":\"node-a\"");
	}

	@Test
	void fansOutAcrossNodesExactlyOnceAndInOrder() {
		try (TestClient sender = TestClient.connect(port(this.nodeA), TestTokens.token("s1", List.of(), List.of("x")));
				TestClient localPeer = TestClient.connect(port(this.nodeA), TestTokens.token("p1", List.of(), List.of("x")));
				TestClient remotePeer = TestClient.connect(port(this.nodeB), TestTokens.token("p2", List.of(), List.of("x")))) {
			for (TestClient client : List.of(sender, localPeer, remotePeer)) {
				client.request("{\"type\":\"join_room\",\"room\":\"xnode\"}");
				client.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"x\"}");
			}
			int count = 200;
			for (int i = 0; i < count; i++) {
				sender.send("{\"type\":\"broadcast\",\"room\":\"xnode\",\"payload\":" + i + "}");
			}
			for (TestClient peer : List.of(localPeer, remotePeer)) {
				List<Integer> received = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					received.add(peer.next("room_message", WAIT).path("payload").asInt());
				}
				assertThat(received).isSorted().doesNotHaveDuplicates().hasSize(count);
			}
			sender.request("{\"type\":\"chat\",\"clanId\":\"x\",\"content\":\"cross\"}");
			sender.send("{\"type\":\"typing\",\"clanId\":\"x\",\"isTyping\":true}");
			for (TestClient peer : List.of(localPeer, remotePeer)) {
				assertThat(peer.next("chat", WAIT).path("content").asString()).isEqualTo("cross");
				assertThat(peer.next("typing", WAIT).path("userId").asString()).isEqualTo("s1");
			}
			localPeer.assertNoMessage(Duration.ofMillis(500));
			remotePeer.assertNoMessage(Duration.ofMillis(200));
			assertThat(sender.drain(Duration.ofMillis(200))).noneMatch((m) -> m.path("type").asString().equals("room_message")
					|| m.path("type").asString().equals("typing") || m.path("type").asString().equals("chat"));
		}
	}

	@Test
	void removesTheBindingWhenTheLastLocalMemberLeaves() {
		try (TestClient sender = TestClient.connect(port(this.nodeA), TestTokens.token("u1"));
				TestClient remote = TestClient.connect(port(this.nodeB), TestTokens.token("u2"))) {
			sender.request("{\"type\":\"join_room\",\"room\":\"shrinking\"}");
			remote.request("{\"type\":\"join_room\",\"room\":\"shrinking\"}");
			assertThat(bus(this.nodeB).bindings()).contains("room.shrinking");
			remote.request("{\"type\":\"leave_room\",\"room\":\"shrinking\"}");
			assertThat(bus(this.nodeB).bindings()).doesNotContain("room.shrinking");
			double before = delivered(this.nodeB, "room");
			sender.request("{\"type\":\"broadcast\",\"room\":\"shrinking\",\"payload\":1}");
			sender.request("{\"type\":\"ping\"}");
			remote.request("{\"type\":\"ping\"}");
			assertThat(delivered(this.nodeB, "room")).isEqualTo(before);
			remote.assertNoMessage(Duration.ofMillis(300));
		}
	}

	@Test
	void dropsMalformedBackendEventsAndKeepsListening() throws IOException {
		try (TestClient client = TestClient.connect(port(this.nodeB), TestTokens.token("mal"))) {
			client.request("{\"type\":\"subscribe_notifications\"}");
			MeterRegistry meters = this.nodeB.getBean(MeterRegistry.class);
			double before = meters.counter("gateway.bus.malformed").count();
			backendPublish("notification.user.mal", "not json");
			backendPublish("notification.user.mal", "{\"data\":1}");
			backendPublish("notification.user.mal", "{\"title\":\"fine\"}");
			assertThat(client.next(WAIT).path("title").asString()).isEqualTo("fine");
			assertThat(meters.counter("gateway.bus.malformed").count()).isEqualTo(before + 2);
		}
	}

	@Test
	void recoversQueueAndBindingsAfterTheBrokerDropsTheConnection() throws Exception {
		try (TestClient member = TestClient.connect(port(this.nodeB), TestTokens.token("rec", List.of(), List.of("r1")));
				TestClient sender = TestClient.connect(port(this.nodeA), TestTokens.token("snd", List.of(), List.of("r1")))) {
			member.request("{\"type\":\"join_room\",\"room\":\"recovery\"}");
			member.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"r1\"}");
			sender.request("{\"type\":\"join_room\",\"room\":\"recovery\"}");
			dropGatewayConnections();
			await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
				JsonNode reply = sender.request("{\"type\":\"broadcast\",\"room\":\"recovery\",\"payload\":\"after\"}");
				assertThat(reply.path("type").asString()).isEqualTo("ack");
			});
			assertThat(member.next("room_message", WAIT).path("payload").asString()).isEqualTo("after");
			assertThat(member.isClosed()).isFalse();
			backendPublish("chat.clan.r1", "{\"content\":\"back\"}");
			assertThat(member.next("chat", WAIT).path("content").asString()).isEqualTo("back");
		}
	}

	private void dropGatewayConnections() throws Exception {
		RabbitBroker.ctl("close_all_connections", "test: forced close");
		// The backend's own connection went too.
		connectBackend();
	}

	private void connectBackend() throws IOException, TimeoutException {
		this.backend = this.broker.clientFactory().newConnection("test-backend");
		this.backendChannel = this.backend.createChannel();
		String queue = this.backendChannel.queueDeclare().getQueue();
		this.backendChannel.queueBind(queue, this.clientExchange, "#");
		this.backendChannel.basicConsume(queue, true, (tag, delivery) -> this.toBackend.add(new Delivery(
				delivery.getEnvelope().getRoutingKey(), new String(delivery.getBody(), StandardCharsets.UTF_8),
				delivery.getProperties())), (tag) -> {
				});
	}

	private ConfigurableApplicationContext node(String nodeId) {
		List<String> properties = new ArrayList<>(List.of("server.port=0", "gateway.node-id=" + nodeId,
				"gateway.bus.type=rabbitmq", "gateway.bus.exchange=" + this.exchange,
				"gateway.bus.client-exchange=" + this.clientExchange, "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.admission.handshakes-per-minute-per-ip=100000", "gateway.admission.max-connections-per-ip=1000",
				"gateway.limits.messages-per-second=10000", "spring.main.banner-mode=off",
				// The forced disconnects are expected: keep their warnings out of the build output.
				"logging.level.io.wsgateway=ERROR", "logging.level.org.springframework.amqp=ERROR",
				"logging.level.com.rabbitmq=ERROR", "logging.level.org.springframework.boot.security=ERROR"));
		properties.addAll(List.of(this.broker.springProperties()));
		return new SpringApplicationBuilder(GatewayApplication.class)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new));
	}

	private void backendPublish(String routingKey, String body) throws IOException {
		this.backendChannel.basicPublish(this.exchange, routingKey,
				new AMQP.BasicProperties.Builder().contentType("application/json").build(),
				body.getBytes(StandardCharsets.UTF_8));
	}

	private Delivery awaitBackend(String routingKey) throws InterruptedException {
		return awaitBackend(routingKey, "");
	}

	private Delivery awaitBackend(String routingKey, String bodyPart) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			Delivery delivery = this.toBackend.poll(100, TimeUnit.MILLISECONDS);
			if (delivery != null && delivery.routingKey().equals(routingKey) && delivery.body().contains(bodyPart)) {
				return delivery;
			}
		}
		throw new AssertionError("nothing on " + routingKey + " containing " + bodyPart + " within " + WAIT);
	}

	private static double delivered(ConfigurableApplicationContext node, String kind) {
		return node.getBean(MeterRegistry.class).counter("gateway.bus.delivered", "kind", kind).count();
	}

	private static RabbitEventBus bus(ConfigurableApplicationContext node) {
		return node.getBean(RabbitEventBus.class);
	}

	private static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

}
