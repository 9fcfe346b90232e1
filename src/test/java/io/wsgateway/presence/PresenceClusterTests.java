package io.wsgateway.presence;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import io.wsgateway.testsupport.GatewayCluster;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cluster-wide presence through two nodes on the real broker: member counts across
 * nodes, opt-in {@code presence} events with the grace period, debounced backend
 * {@code presence.connected} / {@code presence.disconnected}, and the clean-up of a node
 * that dies (a third node, cut off the broker). Timings are short here: a 3 s grace
 * period, half-second heartbeats and a 3 s node timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PresenceClusterTests {

	private static final Duration GRACE = Duration.ofSeconds(3);

	private static final Duration WAIT = GatewayCluster.WAIT;

	/** Long enough for an event that should not come to have come: the grace period and then some. */
	private static final Duration QUIET = GRACE.plusSeconds(2);

	private final String run = UUID.randomUUID().toString().substring(0, 6);

	private GatewayCluster cluster;

	private GatewayCluster.Node nodeA;

	private GatewayCluster.Node nodeB;

	@BeforeAll
	void start() throws IOException, TimeoutException {
		this.cluster = GatewayCluster.create("gateway.presence.grace-period=" + GRACE.toMillis() + "ms",
				"gateway.presence.node-heartbeat=500ms", "gateway.presence.node-timeout=3s");
		this.nodeA = this.cluster.start("node-a");
		this.nodeB = this.cluster.start("node-b");
		await().atMost(WAIT).until(() -> knowsNodes(this.nodeA, 1) && knowsNodes(this.nodeB, 1));
	}

	@AfterAll
	void stop() throws IOException, TimeoutException {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void joinRoomCountsTheMembersOfEveryNode() {
		String room = name("count");
		try (TestClient a1 = connect(this.nodeA, name("a1"));
				TestClient b1 = connect(this.nodeB, name("b1"));
				TestClient a2 = connect(this.nodeA, name("a2"))) {
			assertThat(join(a1, room, false).path("members").asInt()).isEqualTo(1);
			await().atMost(WAIT).until(() -> presence(this.nodeB).remoteMembers(room) == 1);
			assertThat(join(b1, room, false).path("members").asInt()).isEqualTo(2);
			await().atMost(WAIT).until(() -> presence(this.nodeA).remoteMembers(room) == 1);
			assertThat(join(a2, room, false).path("members").asInt()).isEqualTo(3);
			assertThat(presence(this.nodeA).room(room).users()).extracting(RoomPresence.Member::userId)
				.containsExactlyInAnyOrder(name("a1"), name("b1"), name("a2"));
		}
	}

	@Test
	void membersWhoAskedAreToldWhoJoinsAndLeavesOnEveryNode() {
		String room = name("events");
		String bob = name("bob");
		try (TestClient watcher = connect(this.nodeA, name("watcher"));
				TestClient plain = connect(this.nodeA, name("plain"));
				TestClient bobClient = connect(this.nodeB, bob)) {
			join(watcher, room, true);
			join(plain, room, false);
			JsonNode joined = watcher.next("presence", WAIT);
			assertThat(joined.path("room").asString()).isEqualTo(room);
			assertThat(joined.path("userId").asString()).isEqualTo(name("plain"));
			assertThat(joined.path("action").asString()).isEqualTo("joined");
			// Until node B has heard of plain's join, plain's arrival is news there, which bob
			// would rightly be told of after his own join.
			await().atMost(WAIT).until(() -> presence(this.nodeB).remoteMembers(room) == 2);

			join(bobClient, room, true);
			assertPresence(watcher.next("presence", WAIT), room, bob, "joined");
			// bob, who asked too, hears only of changes after his join, and never of himself
			bobClient.request("{\"type\":\"leave_room\",\"room\":\"" + room + "\"}");
			assertPresence(watcher.next("presence", WAIT), room, bob, "left");

			plain.assertNoMessage(Duration.ofMillis(300));
			bobClient.assertNoMessage(Duration.ofMillis(300));
		}
	}

	@Test
	void aQuickReconnectWithinTheGracePeriodProducesNoEvents() {
		String room = name("grace");
		String carol = name("carol");
		try (TestClient watcher = connect(this.nodeA, name("watcher"))) {
			join(watcher, room, true);
			TestClient first = connect(this.nodeB, carol);
			join(first, room, false);
			assertPresence(watcher.next("presence", WAIT), room, carol, "joined");
			this.cluster.awaitBackend((event) -> isPresence(event, "presence.connected", carol));

			// carol's connection drops and she comes back on the other node at once
			first.close();
			try (TestClient second = connect(this.nodeA, carol)) {
				join(second, room, false);
				watcher.assertNoMessage(QUIET);
				assertThat(this.cluster.backendEvents((event) -> isPresence(event, "presence.disconnected", carol)))
					.isEmpty();
				assertThat(this.cluster.backendEvents((event) -> isPresence(event, "presence.connected", carol)))
					.hasSize(1);
			}
			// now she is really gone
			assertPresence(watcher.next("presence", WAIT), room, carol, "left");
			this.cluster.awaitBackend((event) -> isPresence(event, "presence.disconnected", carol));
		}
	}

	@Test
	void backendsHearOfAUserOnceWhateverTheNumberOfConnectionsAndNodes() {
		String dave = name("dave");
		TestClient onA = connect(this.nodeA, dave);
		TestClient onB = connect(this.nodeB, dave);
		GatewayCluster.BackendEvent connected = this.cluster
			.awaitBackend((event) -> isPresence(event, "presence.connected", dave));
		JsonNode body = TestClient.json().readTree(connected.body());
		assertThat(body.path("connectionId").asString()).isEqualTo(onA.connectionId());
		assertThat(body.path("node").asString()).isEqualTo("node-a");
		assertThat(body.path("timestamp").asString()).isNotEmpty();

		onA.close();
		await().during(QUIET).atMost(QUIET.plusSeconds(5))
			.until(() -> this.cluster.backendEvents((event) -> isPresence(event, "presence.disconnected", dave)).isEmpty());
		onB.close();
		GatewayCluster.BackendEvent disconnected = this.cluster
			.awaitBackend((event) -> isPresence(event, "presence.disconnected", dave));
		assertThat(TestClient.json().readTree(disconnected.body()).path("connectionId").asString())
			.isEqualTo(onB.connectionId());
		// published once, by one node, however many nodes saw dave go
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> this.cluster
			.backendEvents((event) -> event.body().contains("\"userId\":\"" + dave + "\"")).size() == 2);
	}

	@Test
	void aDeadNodesConnectionsAreForgottenAfterTheNodeTimeout() throws Exception {
		String room = name("dead");
		String erin = name("erin");
		GatewayCluster.Node nodeC = this.cluster.start("node-c", "logging.level.org.springframework.amqp=OFF",
				"logging.level.com.rabbitmq=OFF");
		try (TestClient watcher = connect(this.nodeA, name("watcher"));
				TestClient erinClient = connect(nodeC, erin)) {
			join(watcher, room, true);
			join(erinClient, room, false);
			assertPresence(watcher.next("presence", WAIT), room, erin, "joined");
			this.cluster.awaitBackend((event) -> isPresence(event, "presence.connected", erin));
			await().atMost(WAIT).until(() -> presence(this.nodeB).connectionsOf(erin).size() == 1);
			assertThat(presence(this.nodeB).connectionsOf(erin).get(0).node()).isEqualTo("node-c");

			nodeC.partition();

			// a node that lost the broker refuses what needs it
			HttpResponse<String> refused = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodeC.port() + "/api/v1/broadcast"))
					.header("Authorization", "Bearer " + TestTokens.token("svc", List.of("service"), List.of()))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"payload\":1}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
			assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");

			// node-timeout, then the grace period: erin is gone everywhere
			await().atMost(WAIT).until(() -> presence(this.nodeA).connectionsOf(erin).isEmpty()
					&& presence(this.nodeB).connectionsOf(erin).isEmpty());
			assertPresence(watcher.next("presence", WAIT), room, erin, "left");
			this.cluster.awaitBackend((event) -> isPresence(event, "presence.disconnected", erin));
			assertThat(presence(this.nodeA).room(room).users()).extracting(RoomPresence.Member::userId)
				.containsExactly(name("watcher"));
		}
		finally {
			nodeC.close();
		}
	}

	private String name(String base) {
		return base + "-" + this.run;
	}

	private static TestClient connect(GatewayCluster.Node node, String user) {
		return TestClient.connect(node.port(), TestTokens.token(user));
	}

	private static JsonNode join(TestClient client, String room, boolean presence) {
		JsonNode reply = client.request(
				"{\"type\":\"join_room\",\"room\":\"" + room + "\"" + (presence ? ",\"presence\":true" : "") + "}");
		assertThat(reply.path("type").asString()).as(reply.toString()).isEqualTo("room_joined");
		return reply;
	}

	private static void assertPresence(JsonNode event, String room, String userId, String action) {
		assertThat(event.path("type").asString()).isEqualTo("presence");
		assertThat(event.path("room").asString()).isEqualTo(room);
		assertThat(event.path("userId").asString()).isEqualTo(userId);
		assertThat(event.path("action").asString()).isEqualTo(action);
	}

	private static boolean isPresence(GatewayCluster.BackendEvent event, String routingKey, String userId) {
		return event.routingKey().equals(routingKey) && event.body().contains("\"userId\":\"" + userId + "\"");
	}

	private static ClusterPresence presence(GatewayCluster.Node node) {
		return node.bean(ClusterPresence.class);
	}

	private static boolean knowsNodes(GatewayCluster.Node node, int others) {
		return presence(node).knownNodes() == others;
	}

}
