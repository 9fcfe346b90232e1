package io.wsgateway.rooms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static io.wsgateway.testsupport.Wire.assertError;
import static io.wsgateway.testsupport.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code gateway.limits.messages-per-second=5}: a burst of twice that (10) passes, excess
 * messages are answered {@code rate_limited} and not processed, and ten in a row close the
 * connection with 4008. Messages are sent back to back, far faster than the bucket refills
 * (one token per 200 ms).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.admission.handshakes-per-minute-per-ip=100000",
				"gateway.admission.max-connections-per-ip=10000", "gateway.limits.messages-per-second=5" })
@ActiveProfiles("test")
@DirtiesContext // see MessagingEndToEndTest: a paused and restarted gateway context refuses handshakes
class MessageRateLimitEndToEndTests {

	private static final int BURST = 10;

	@LocalServerPort
	private int port;

	@Autowired
	private ChannelHub hub;

	private final List<TestClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	@Test
	void answersExcessMessagesWithRateLimitedAndDoesNotProcessThem() {
		String u = Wire.unique();
		TestClient alice = connect("alice-" + u);
		// the burst passes; the rest (nine, one short of a close) is refused unless the server
		// took longer than 1.8 s for them, when the bucket would have refilled
		int count = BURST + 9;
		for (int i = 0; i < count; i++) {
			alice.send(message("join_room", "id", "j-" + i, "room", "room-" + i + "-" + u));
		}

		List<String> joined = new ArrayList<>();
		int limited = 0;
		for (int i = 0; i < count; i++) {
			String id = "j-" + i;
			String room = "room-" + i + "-" + u;
			JsonNode reply = alice.await((message) -> id.equals(message.path("id").asString(null)),
					TestClient.TIMEOUT);
			if (i < BURST || "room_joined".equals(reply.get("type").asString())) {
				assertThat(reply.get("type").asString()).as("reply %d", i).isEqualTo("room_joined");
				assertThat(this.hub.sizes(Channel.ROOM)).containsEntry(room, 1);
				joined.add(room);
			}
			else {
				assertThat(assertError(reply, id, "rate_limited")).contains("5 messages per second");
				assertThat(this.hub.sizes(Channel.ROOM)).doesNotContainKey(room);
				limited++;
			}
		}
		assertThat(limited).as("rate-limited replies").isPositive();
		assertThat(alice.drain()).isEmpty();

		// the connection stays open and works again once the bucket has refilled
		JsonNode status = await("a token").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> alice.request(message("status")), (reply) -> "status".equals(reply.get("type").asString()));
		assertThat(status.get("rooms")).extracting(JsonNode::asString).containsExactlyInAnyOrderElementsOf(joined);
		assertThat(alice.isClosed()).isFalse();
	}

	@Test
	void closesWith4008AfterTenRateLimitedMessagesInARow() {
		TestClient alice = connect("alice-" + Wire.unique());
		int sent = 0;
		// until the server closes: should it take long enough per message for the bucket to
		// refill in between, a token only restarts the count of violations in a row
		for (int i = 0; i < 40 * BURST && !alice.isClosed(); i++) {
			try {
				alice.send(message("ping", "id", "p-" + i));
				sent++;
			}
			catch (IllegalStateException closed) {
				break;
			}
		}

		assertThat(alice.awaitClose()).isEqualTo(4008);
		assertThat(alice.closeReason()).isEqualTo("rate limit exceeded repeatedly");
		List<JsonNode> received = alice.drain();
		assertThat(received).allSatisfy((message) -> assertThat(message.get("type").asString()).isIn("pong", "error"));
		List<JsonNode> lastTen = received.subList(received.size() - 10, received.size());
		assertThat(lastTen).allSatisfy(
				(message) -> assertThat(message.get("code").asString()).as("%s", message).isEqualTo("rate_limited"));
		assertThat(received.subList(0, BURST))
			.allSatisfy((message) -> assertThat(message.get("type").asString()).isEqualTo("pong"));
		assertThat(received).hasSizeLessThanOrEqualTo(sent);
	}

	private TestClient connect(String user) {
		TestClient client = TestClient.connect(this.port, TestTokens.token(user));
		this.clients.add(client);
		return client;
	}

}
