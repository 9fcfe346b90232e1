package io.wsgateway.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.wsgateway.testsupport.GatewayCluster;
import io.wsgateway.testsupport.RabbitBroker;
import io.wsgateway.testsupport.RedisServer;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static io.wsgateway.testsupport.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * History across nodes on the real RabbitMQ and Redis: one offset per message for the whole
 * cluster, every accepted message once and in order on every node while one node's broker
 * connection is forced closed, history that outlives both nodes, and the refusal of the
 * memory store with the RabbitMQ bus.
 */
class HistoryClusterTests {

	private final List<TestClient> clients = new ArrayList<>();

	private GatewayCluster cluster;

	private String u;

	@BeforeEach
	void start() throws Exception {
		RedisServer redis = RedisServer.get();
		this.cluster = GatewayCluster.create("gateway.history.store=redis", "gateway.history.rooms.size=1000",
				"gateway.history.clans.size=100", "gateway.history.key-prefix=" + RedisServer.uniquePrefix(),
				"spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"logging.level.io.lettuce=ERROR");
		this.u = Wire.unique();
	}

	@AfterEach
	void stop() throws Exception {
		this.clients.forEach(TestClient::close);
		this.cluster.close();
	}

	@Test
	void everyAcceptedMessageArrivesOnceInOrderOnBothNodesThroughABrokerDrop() throws Exception {
		GatewayCluster.Node a = this.cluster.start("node-a");
		GatewayCluster.Node b = this.cluster.start("node-b");
		String room = "r" + this.u;
		TestClient alice = join(client(a, "alice"), room);
		TestClient bob = join(client(b, "bob"), room);
		TestClient carol = join(client(b, "carol"), room);
		List<Integer> accepted = new CopyOnWriteArrayList<>();
		AtomicInteger sent = new AtomicInteger();
		CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
			for (int n = 1; n <= 300; n++) {
				JsonNode reply = carol.request("{\"type\":\"broadcast\",\"room\":\"" + room + "\",\"payload\":" + n + "}");
				if (reply.get("type").asString().equals("ack")) {
					accepted.add(n);
				}
				sent.incrementAndGet();
			}
		});
		await().atMost(GatewayCluster.WAIT).until(() -> sent.get() >= 50);
		int port = a.bean(CachingConnectionFactory.class).createConnection().getLocalPort();
		RabbitBroker.closeConnection(port, "history test: node-a's connection dropped");
		publishing.get();
		assertThat(accepted).hasSizeGreaterThan(250);
		assertReceivedOnceInOrder(alice, accepted);
		assertReceivedOnceInOrder(bob, accepted);
	}

	@Test
	void aBackendEventHasOneOffsetOnEveryNode() throws Exception {
		GatewayCluster.Node a = this.cluster.start("node-a");
		GatewayCluster.Node b = this.cluster.start("node-b");
		String room = "r" + this.u;
		TestClient alice = join(client(a, "alice"), room);
		TestClient bob = join(client(b, "bob"), room);
		try (Connection connection = RabbitBroker.get().clientFactory().newConnection("history-test-backend");
				Channel channel = connection.createChannel()) {
			for (int n = 1; n <= 3; n++) {
				channel.basicPublish(this.cluster.exchange(), "room." + room,
						new AMQP.BasicProperties.Builder().messageId("m" + n + this.u).build(),
						("{\"payload\":" + n + "}").getBytes());
			}
		}
		List<JsonNode> atAlice = alice.take(3, GatewayCluster.WAIT);
		List<JsonNode> atBob = bob.take(3, GatewayCluster.WAIT);
		assertThat(atAlice).extracting((m) -> m.get("offset").asLong()).containsExactly(1L, 2L, 3L);
		assertThat(atBob).extracting((m) -> m.get("offset").asLong()).containsExactly(1L, 2L, 3L);
		assertThat(atBob).extracting((m) -> m.get("payload").asInt()).containsExactly(1, 2, 3);
		assertThat(alice.request(message("history", "room", room)).get("messages")).hasSize(3);
	}

	@Test
	void historyOutlivesARestartOfBothNodes() throws Exception {
		GatewayCluster.Node a = this.cluster.start("node-a");
		GatewayCluster.Node b = this.cluster.start("node-b");
		String room = "r" + this.u;
		TestClient alice = client(a, "alice");
		String epoch = alice.request(message("join_room", "room", room)).get("epoch").asString();
		join(client(b, "bob"), room);
		for (int n = 1; n <= 3; n++) {
			alice.request("{\"type\":\"broadcast\",\"room\":\"" + room + "\",\"payload\":" + n + "}");
		}
		a.close();
		b.close();
		GatewayCluster.Node again = this.cluster.start("node-c");
		TestClient back = client(again, "alice");
		JsonNode rejoined = back.request("{\"type\":\"join_room\",\"room\":\"" + room
				+ "\",\"recover\":{\"offset\":0,\"epoch\":\"" + epoch + "\"}}");
		assertThat(rejoined.get("recovered").asBoolean()).isTrue();
		assertThat(back.take(3, GatewayCluster.WAIT)).extracting((m) -> m.get("payload").asInt())
			.containsExactly(1, 2, 3);
	}

	@Test
	void refusesTheMemoryStoreWithTheRabbitBus() {
		// The refusal is what is asserted: keep Spring's report of the failed start out of the build output.
		assertThatThrownBy(() -> this.cluster.start("node-m", "gateway.history.store=memory",
				"logging.level.org.springframework.boot.SpringApplication=OFF",
				"logging.level.org.springframework.boot.web=OFF"))
			.hasStackTraceContaining("gateway.history.store=redis");
	}

	private TestClient client(GatewayCluster.Node node, String user) {
		TestClient client = TestClient.connect(node.port(), TestTokens.token(user + this.u));
		this.clients.add(client);
		return client;
	}

	private static TestClient join(TestClient client, String room) {
		client.request(message("join_room", "room", room));
		return client;
	}

	private static void assertReceivedOnceInOrder(TestClient client, List<Integer> accepted) {
		List<JsonNode> received = client.take(accepted.size(), Duration.ofSeconds(60));
		assertThat(received).extracting((m) -> m.get("payload").asInt()).containsExactlyElementsOf(accepted);
		long previous = 0;
		for (JsonNode message : received) {
			assertThat(message.get("offset").asLong()).isGreaterThan(previous);
			previous = message.get("offset").asLong();
		}
		client.assertNoMessage(Duration.ofMillis(500));
	}

}
