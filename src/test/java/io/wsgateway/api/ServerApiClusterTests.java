package io.wsgateway.api;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The server API through two nodes on the real broker: every endpoint called on one node
 * acting on connections of both, the two credentials, and the problem details of 401,
 * 403, 400, 404, 405, 413 and 415. The broker-down 503 is in {@code PresenceClusterTests},
 * which has a node to cut off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerApiClusterTests {

	private static final Duration WAIT = GatewayCluster.WAIT;

	private static final String API_KEY = "test-api-key-0123456789";

	private static final int MAX_BODY = 1024;

	private final String run = UUID.randomUUID().toString().substring(0, 6);

	private GatewayCluster cluster;

	private GatewayCluster.Node nodeA;

	private GatewayCluster.Node nodeB;

	private ApiClient apiA;

	private ApiClient apiB;

	@BeforeAll
	void start() throws IOException, TimeoutException {
		this.cluster = GatewayCluster.create("gateway.api.keys=" + API_KEY + ",another-key",
				"gateway.api.max-body-size=" + MAX_BODY + "B", "gateway.presence.grace-period=1s",
				"gateway.presence.node-heartbeat=500ms", "gateway.presence.node-timeout=3s");
		this.nodeA = this.cluster.start("node-a");
		this.nodeB = this.cluster.start("node-b");
		this.apiA = ApiClient.service(this.nodeA.port());
		this.apiB = ApiClient.service(this.nodeB.port());
	}

	@AfterAll
	void stop() throws IOException, TimeoutException {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	// ---- authentication -----------------------------------------------------------------

	@Test
	void refusesCallersWithoutAServiceCredential() {
		String path = "/api/v1/rooms/" + name("auth") + "/presence";
		int port = this.nodeA.port();

		ApiClient.Response none = ApiClient.anonymous(port).get(path);
		assertProblem(none, 401, path);
		assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
		assertProblem(ApiClient.bearer(port, "not-a-jwt").get(path), 401, path);
		assertProblem(ApiClient.bearer(port, TestTokens.forUser("svc").roles("service")
			.expiresIn(Duration.ofMinutes(-5)).build()).get(path), 401, path);
		assertProblem(ApiClient.apiKey(port, "wrong-key").get(path), 401, path);
		ApiClient.Response client = ApiClient.bearer(port, TestTokens.token("alice", List.of("player"), List.of()))
			.get(path);
		assertProblem(client, 403, path);
		assertThat(client.json().path("detail").asString()).contains("service");
		assertProblem(ApiClient.bearer(port, TestTokens.token("ops", List.of("admin"), List.of())).get(path), 403, path);

		assertThat(ApiClient.service(port).get(path).status()).isEqualTo(200);
		assertThat(ApiClient.apiKey(port, API_KEY).get(path).status()).isEqualTo(200);
		assertThat(ApiClient.apiKey(port, "another-key").get(path).status()).isEqualTo(200);
	}

	// ---- messages -----------------------------------------------------------------------

	@Test
	void sendsANotificationToTheUserOnWhicheverNode() {
		String nina = name("nina");
		try (TestClient ninaOnB = connect(this.nodeB, nina);
				TestClient otherOnA = connect(this.nodeA, name("otto"))) {
			ninaOnB.request("{\"type\":\"subscribe_notifications\"}");
			otherOnA.request("{\"type\":\"subscribe_notifications\"}");
			ApiClient.Response accepted = this.apiA.post("/api/v1/users/" + nina + "/messages",
					"{\"id\":\"n-1\",\"title\":\"Order shipped\",\"message\":\"on its way\",\"data\":{\"orderId\":1001}}");
			assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
			assertThat(accepted.json().path("id").asString()).isEqualTo("n-1");
			JsonNode notification = ninaOnB.next("notification", WAIT);
			assertThat(notification.path("id").asString()).isEqualTo("n-1");
			assertThat(notification.path("title").asString()).isEqualTo("Order shipped");
			assertThat(notification.path("message").asString()).isEqualTo("on its way");
			assertThat(notification.path("data").path("orderId").asInt()).isEqualTo(1001);
			assertThat(notification.path("createdAt").asString()).isNotEmpty();

			ApiClient.Response generated = this.apiA.post("/api/v1/users/" + nina + "/messages", "{\"title\":\"Hi\"}");
			assertThat(generated.status()).isEqualTo(202);
			assertThat(ninaOnB.next("notification", WAIT).path("id").asString())
				.isEqualTo(generated.json().path("id").asString());
			otherOnA.assertNoMessage(Duration.ofMillis(300));
		}
	}

	@Test
	void sendsRoomMessagesAndBroadcastsToEveryNode() {
		String room = name("room");
		try (TestClient memberA = connect(this.nodeA, name("ma"));
				TestClient memberB = connect(this.nodeB, name("mb"));
				TestClient outsider = connect(this.nodeB, name("out"))) {
			memberA.request("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
			memberB.request("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
			ApiClient.Response accepted = this.apiB.post("/api/v1/rooms/" + room + "/messages",
					"{\"from\":\"quiz-bot\",\"payload\":{\"question\":\"2+2?\"}}");
			assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
			for (TestClient member : List.of(memberA, memberB)) {
				JsonNode message = member.next("room_message", WAIT);
				assertThat(message.path("room").asString()).isEqualTo(room);
				assertThat(message.path("from").asString()).isEqualTo("quiz-bot");
				assertThat(message.path("payload").path("question").asString()).isEqualTo("2+2?");
				assertThat(message.path("timestamp").asString()).isNotEmpty();
			}
			assertThat(this.apiA.post("/api/v1/rooms/" + room + "/messages", "{\"payload\":\"plain\"}").status())
				.isEqualTo(202);
			assertThat(memberB.next("room_message", WAIT).path("from").asString()).isEqualTo("system");
			assertThat(memberA.next("room_message", WAIT).path("payload").asString()).isEqualTo("plain");
			outsider.assertNoMessage(Duration.ofMillis(300));

			assertThat(this.apiA.post("/api/v1/broadcast", "{\"payload\":[1,2,3]}").status()).isEqualTo(202);
			for (TestClient client : List.of(memberA, memberB, outsider)) {
				JsonNode broadcast = client.next("broadcast", WAIT);
				assertThat(broadcast.path("from").asString()).isEqualTo("system");
				assertThat(broadcast.path("payload").get(2).asInt()).isEqualTo(3);
			}
		}
	}

	@Test
	void sendsClanChatToSubscribersOnEveryNode() {
		String clan = name("clan");
		try (TestClient onA = TestClient.connect(this.nodeA.port(), TestTokens.token(name("ca"), List.of(), List.of(clan)));
				TestClient onB = TestClient.connect(this.nodeB.port(),
						TestTokens.token(name("cb"), List.of(), List.of(clan)))) {
			onA.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"" + clan + "\"}");
			onB.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"" + clan + "\"}");
			ApiClient.Response accepted = this.apiA.post("/api/v1/clans/" + clan + "/messages",
					"{\"from\":\"moderator\",\"content\":\"server restarts at noon\"}");
			assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
			String messageId = accepted.json().path("messageId").asString();
			assertThat(messageId).isNotEmpty();
			for (TestClient member : List.of(onA, onB)) {
				JsonNode chat = member.next("chat", WAIT);
				assertThat(chat.path("messageId").asString()).isEqualTo(messageId);
				assertThat(chat.path("clanId").asString()).isEqualTo(clan);
				assertThat(chat.path("userId").asString()).isEqualTo("moderator");
				assertThat(chat.path("content").asString()).isEqualTo("server restarts at noon");
				assertThat(chat.path("messageType").asString()).isEqualTo("TEXT");
			}
			assertProblem(this.apiA.post("/api/v1/clans/bad%20clan/messages", "{\"content\":\"x\"}"), 400,
					"/api/v1/clans/bad%20clan/messages");
		}
	}

	// ---- connections --------------------------------------------------------------------

	@Test
	void describesConnectionsOnEveryNode() {
		String paula = name("paula");
		String room = name("described");
		try (TestClient onA = connect(this.nodeA, paula);
				TestClient onB = TestClient.connect(TestClient.uri(this.nodeB.port()),
						Map.of("Authorization", "Bearer " + TestTokens.token(paula), "User-Agent", "api-test/1.0"))) {
			onB.request("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
			await().atMost(WAIT).until(() -> connectionsOf(this.apiA, paula).size() == 2
					&& connectionsOf(this.apiA, paula).get(1).path("rooms").size() == 1);

			JsonNode described = this.apiA.get("/api/v1/connections/" + onB.connectionId()).json();
			assertThat(described.path("connectionId").asString()).isEqualTo(onB.connectionId());
			assertThat(described.path("userId").asString()).isEqualTo(paula);
			assertThat(described.path("node").asString()).isEqualTo("node-b");
			assertThat(described.path("ip").asString()).isEqualTo("127.0.0.1");
			assertThat(described.path("userAgent").asString()).isEqualTo("api-test/1.0");
			assertThat(described.path("connectedAt").asString()).isNotEmpty();
			assertThat(described.path("lastActiveAt").asString()).isNotEmpty();
			assertThat(described.path("rooms")).extracting(JsonNode::asString).containsExactly(room);

			List<JsonNode> listed = connectionsOf(this.apiB, paula);
			assertThat(listed).extracting((connection) -> connection.path("connectionId").asString())
				.containsExactly(onA.connectionId(), onB.connectionId());
			assertThat(listed).extracting((connection) -> connection.path("node").asString())
				.containsExactly("node-a", "node-b");
			JsonNode none = this.apiA.get("/api/v1/users/" + name("nobody") + "/connections").json();
			assertThat(none.path("userId").asString()).isEqualTo(name("nobody"));
			assertThat(none.path("connections").isEmpty()).isTrue();

			String unknown = "/api/v1/connections/" + UUID.randomUUID();
			assertProblem(this.apiA.get(unknown), 404, unknown);
		}
	}

	@Test
	void showsWhoIsInARoomAcrossNodes() {
		String room = name("lobby");
		try (TestClient quinnA = connect(this.nodeA, name("quinn"));
				TestClient quinnB = connect(this.nodeB, name("quinn"));
				TestClient rayB = connect(this.nodeB, name("ray"));
				TestClient notIn = connect(this.nodeA, name("zed"))) {
			for (TestClient member : List.of(quinnA, quinnB, rayB)) {
				member.request("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
			}
			String path = "/api/v1/rooms/" + room + "/presence";
			await().atMost(WAIT).until(() -> this.apiA.get(path).json().path("members").asInt() == 3);
			JsonNode presence = this.apiA.get(path).json();
			assertThat(presence.path("room").asString()).isEqualTo(room);
			assertThat(presence.path("users")).hasSize(2);
			assertThat(presence.path("users").get(0).path("userId").asString()).isEqualTo(name("quinn"));
			assertThat(presence.path("users").get(0).path("connections").asInt()).isEqualTo(2);
			assertThat(presence.path("users").get(1).path("userId").asString()).isEqualTo(name("ray"));
			assertThat(presence.path("users").get(1).path("connections").asInt()).isEqualTo(1);

			JsonNode empty = this.apiB.get("/api/v1/rooms/" + name("empty") + "/presence").json();
			assertThat(empty.path("members").asInt()).isZero();
			assertThat(empty.path("users").isEmpty()).isTrue();
		}
	}

	@Test
	void closesAllOfAUsersConnectionsOnEveryNodeWithTheGivenCode() {
		String sam = name("sam");
		try (TestClient onA = connect(this.nodeA, sam);
				TestClient onB = connect(this.nodeB, sam);
				TestClient bystander = connect(this.nodeB, name("bystander"))) {
			await().atMost(WAIT).until(() -> connectionsOf(this.apiA, sam).size() == 2);
			ApiClient.Response closing = this.apiA.delete("/api/v1/users/" + sam + "/connections?code=4001&reason=banned");
			assertThat(closing.status()).as(closing.toString()).isEqualTo(202);
			assertThat(closing.json().path("connections").asInt()).isEqualTo(2);
			for (TestClient client : List.of(onA, onB)) {
				assertThat(client.awaitClose(WAIT)).isEqualTo(4001);
				assertThat(client.closeReason()).isEqualTo("banned");
			}
			await().atMost(WAIT).until(() -> connectionsOf(this.apiB, sam).isEmpty());
			assertThat(bystander.isClosed()).isFalse();
			assertThat(bystander.request("{\"type\":\"ping\"}").path("type").asString()).isEqualTo("pong");

			ApiClient.Response nobody = this.apiB.delete("/api/v1/users/" + sam + "/connections");
			assertThat(nobody.status()).isEqualTo(202);
			assertThat(nobody.json().path("connections").asInt()).isZero();
		}
	}

	@Test
	void closesOneConnectionWhereverItIs() {
		String tess = name("tess");
		try (TestClient onB = connect(this.nodeB, tess); TestClient alsoOnB = connect(this.nodeB, tess)) {
			await().atMost(WAIT).until(() -> connectionsOf(this.apiA, tess).size() == 2);
			ApiClient.Response closing = this.apiA.delete("/api/v1/connections/" + onB.connectionId());
			assertThat(closing.status()).as(closing.toString()).isEqualTo(202);
			assertThat(onB.awaitClose(WAIT)).isEqualTo(1000);
			assertThat(alsoOnB.isClosed()).isFalse();
			await().atMost(WAIT).until(() -> connectionsOf(this.apiA, tess).size() == 1);

			String unknown = "/api/v1/connections/" + UUID.randomUUID();
			assertProblem(this.apiA.delete(unknown), 404, unknown);
		}
	}

	// ---- problems -----------------------------------------------------------------------

	@Test
	void refusesInvalidRequestsWithProblemDetails() {
		String badRoom = "/api/v1/rooms/bad%20room/messages";
		JsonNode invalidRoom = assertProblem(this.apiA.post(badRoom, "{\"payload\":1}"), 400, "/api/v1/rooms/bad%20room/messages");
		assertThat(invalidRoom.path("errors").get(0).path("parameter").asString()).isEqualTo("room");
		assertThat(invalidRoom.path("errors").get(0).path("detail").asString()).contains("[A-Za-z0-9._:-]");

		String roomPath = "/api/v1/rooms/" + name("v") + "/messages";
		JsonNode noPayload = assertProblem(this.apiA.post(roomPath, "{\"from\":\"x\"}"), 400, roomPath);
		assertThat(noPayload.path("errors").get(0).path("pointer").asString()).isEqualTo("#/payload");
		assertThat(noPayload.path("errors").get(0).path("detail").asString()).isEqualTo("is required");
		assertProblem(this.apiA.post(roomPath, "{not json"), 400, roomPath);
		assertProblem(this.apiA.post(roomPath, ""), 400, roomPath);
		ApiClient.Response notJson = this.apiA.post(roomPath, "text/plain", "{\"payload\":1}");
		assertProblem(notJson, 415, roomPath);
		assertThat(notJson.header("Accept")).contains("application/json");

		String userPath = "/api/v1/users/" + name("u") + "/messages";
		JsonNode noTitle = assertProblem(this.apiA.post(userPath, "{\"data\":{\"a\":1}}"), 400, userPath);
		assertThat(noTitle.path("errors").get(0).path("detail").asString()).contains("title");
		JsonNode longId = assertProblem(this.apiA.post(userPath, "{\"title\":\"t\",\"id\":\"" + "x".repeat(129) + "\"}"),
				400, userPath);
		assertThat(longId.path("errors").get(0).path("pointer").asString()).isEqualTo("#/id");

		String closePath = "/api/v1/users/" + name("u") + "/connections";
		for (String code : List.of("1001", "3999", "5000", "999")) {
			JsonNode badCode = assertProblem(this.apiA.delete(closePath + "?code=" + code), 400, closePath);
			assertThat(badCode.path("errors").get(0).path("parameter").asString()).isEqualTo("code");
		}
		assertProblem(this.apiA.delete(closePath + "?code=abc"), 400, closePath);
		JsonNode badReason = assertProblem(this.apiA.delete(closePath + "?reason=" + "r".repeat(124)), 400, closePath);
		assertThat(badReason.path("errors").get(0).path("parameter").asString()).isEqualTo("reason");

		String unknown = "/api/v1/nothing-here";
		assertProblem(this.apiA.get(unknown), 404, unknown);
		ApiClient.Response wrongMethod = this.apiA.method("PUT", "/api/v1/broadcast");
		assertProblem(wrongMethod, 405, "/api/v1/broadcast");
		assertThat(wrongMethod.header("Allow")).contains("POST");
	}

	@Test
	void refusesBodiesLargerThanTheLimit() {
		String path = "/api/v1/broadcast";
		String tooLarge = "{\"payload\":\"" + "x".repeat(MAX_BODY) + "\"}";
		ApiClient.Response declaredTooLarge = this.apiA.post(path, tooLarge);
		JsonNode declared = assertProblem(declaredTooLarge, 413, path);
		assertThat(declared.path("detail").asString()).contains(Integer.toString(MAX_BODY));
		// the rest of the body is never read, so the connection ends: keep-alive clients are told
		assertThat(declaredTooLarge.header("Connection")).isEqualTo("close");
		ApiClient.Response chunkedTooLarge = this.apiA.postChunked(path, tooLarge);
		assertProblem(chunkedTooLarge, 413, path);
		assertThat(chunkedTooLarge.header("Connection")).isEqualTo("close");
		// just under the limit is fine, chunked or not, and the connection stays open
		String fits = "{\"payload\":\"" + "x".repeat(MAX_BODY - 20) + "\"}";
		ApiClient.Response accepted = this.apiA.post(path, fits);
		assertThat(accepted.status()).isEqualTo(202);
		assertThat(accepted.header("Connection")).isNull();
		assertThat(this.apiA.postChunked(path, fits).status()).isEqualTo(202);
		// an unauthenticated caller learns nothing about sizes, and its unread body ends the connection
		ApiClient.Response anonymous = ApiClient.anonymous(this.nodeA.port()).post(path, tooLarge);
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(anonymous.header("Connection")).isEqualTo("close");
	}

	@Test
	void anErrorToABodyLeftUnreadSaysTheConnectionCloses() {
		String body = "{\"payload\":\"" + "x".repeat(MAX_BODY - 20) + "\"}";
		// no such path, and a media type the path does not take: answered without reading the body
		ApiClient.Response missing = this.apiA.postChunked("/api/v1/nothing", body);
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.header("Connection")).isEqualTo("close");
		ApiClient.Response text = this.apiA.post("/api/v1/broadcast", "text/plain", body);
		assertThat(text.status()).isEqualTo(415);
		assertThat(text.header("Connection")).isEqualTo("close");
		// a body read to its end keeps the connection open, whatever the answer
		ApiClient.Response invalid = this.apiA.post("/api/v1/broadcast", "{}");
		assertThat(invalid.status()).isEqualTo(400);
		assertThat(invalid.header("Connection")).isNull();
	}

	// ---- OpenAPI ------------------------------------------------------------------------

	@Test
	void servesTheOpenApiDocument() {
		ApiClient.Response document = ApiClient.anonymous(this.nodeB.port()).get("/v3/api-docs");
		assertThat(document.status()).isEqualTo(200);
		JsonNode openApi = document.json();
		assertThat(openApi.path("openapi").asString()).startsWith("3.");
		assertThat(openApi.path("info").path("title").asString()).isEqualTo("websocket-gateway server API");
		JsonNode paths = openApi.path("paths");
		assertThat(paths.propertyNames()).containsExactlyInAnyOrder("/api/v1/users/{userId}/messages",
				"/api/v1/rooms/{room}/messages", "/api/v1/clans/{clanId}/messages", "/api/v1/broadcast",
				"/api/v1/users/{userId}/connections",
				"/api/v1/connections/{connectionId}", "/api/v1/rooms/{room}/presence");
		assertThat(paths.path("/api/v1/users/{userId}/connections").propertyNames()).contains("get", "delete");
		assertThat(paths.path("/api/v1/connections/{connectionId}").propertyNames()).contains("get", "delete");
		assertThat(paths.path("/api/v1/broadcast").path("post").path("responses").propertyNames()).contains("202",
				"400", "401", "403", "413", "503");
		assertThat(openApi.path("components").path("securitySchemes").propertyNames())
			.containsExactlyInAnyOrder("serviceToken", "apiKey");
		assertThat(ApiClient.anonymous(this.nodeB.port()).get("/v3/api-docs.yaml").status()).isEqualTo(200);
	}

	// ---- helpers ------------------------------------------------------------------------

	private String name(String base) {
		return base + "-" + this.run;
	}

	private static TestClient connect(GatewayCluster.Node node, String user) {
		return TestClient.connect(node.port(), TestTokens.token(user));
	}

	private static List<JsonNode> connectionsOf(ApiClient api, String user) {
		ApiClient.Response response = api.get("/api/v1/users/" + user + "/connections");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		List<JsonNode> connections = new ArrayList<>();
		response.json().path("connections").forEach(connections::add);
		return connections;
	}

	private static JsonNode assertProblem(ApiClient.Response response, int status, String instance) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
		JsonNode problem = response.json();
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("type").asString()).isEqualTo("about:blank");
		assertThat(problem.path("title").asString()).isNotEmpty();
		assertThat(problem.path("detail").asString()).isNotEmpty();
		assertThat(problem.path("instance").asString()).isEqualTo(instance);
		return problem;
	}

}
