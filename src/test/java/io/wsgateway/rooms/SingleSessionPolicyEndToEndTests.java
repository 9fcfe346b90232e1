package io.wsgateway.rooms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.notifications.NotificationSubscriptions;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static io.wsgateway.testsupport.Wire.assertNothingQueued;
import static io.wsgateway.testsupport.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code gateway.sessions.per-user=single}: a user's newer connection replaces the older
 * one, which is closed with 4009 and loses its rooms and subscriptions.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.admission.handshakes-per-minute-per-ip=100000",
				"gateway.admission.max-connections-per-ip=10000", "gateway.sessions.per-user=single" })
@ActiveProfiles("test")
@DirtiesContext // see MessagingEndToEndTest: a paused and restarted gateway context refuses handshakes
class SingleSessionPolicyEndToEndTests {

	private static final Duration CLEANUP = Duration.ofSeconds(15);

	@LocalServerPort
	private int port;

	@Autowired
	private SessionRegistry sessions;

	@Autowired
	private ChannelHub hub;

	@Autowired
	private NotificationSubscriptions notifications;

	private final List<TestClient> clients = new ArrayList<>();

	private String alice;

	private String u;

	@BeforeEach
	void names() {
		this.u = Wire.unique();
		this.alice = "alice-" + this.u;
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	@Test
	void closesTheOlderConnectionWith4009OnceTheNewerIsAccepted() {
		String room = "lobby-" + this.u;
		TestClient older = connect(this.alice);
		older.request(message("join_room", "room", room));
		older.request(message("subscribe_notifications"));
		ClientSession olderSession = TestSessions.awaitRegistered(this.sessions, older.connectionId());

		TestClient newer = connect(this.alice);

		assertThat(newer.connected().get("type").asString()).isEqualTo("connected");
		assertThat(older.awaitClose()).isEqualTo(4009);
		assertThat(older.closeReason()).isEqualTo("replaced by a newer connection");
		assertThat(newer.request(message("ping")).get("type").asString()).isEqualTo("pong");
		assertThat(newer.isClosed()).isFalse();
		await("older connection cleaned up").atMost(CLEANUP).untilAsserted(() -> {
			assertThat(this.sessions.byUser(this.alice)).extracting(ClientSession::id)
				.containsExactly(newer.connectionId());
			assertThat(this.hub.sizes(Channel.ROOM)).doesNotContainKey(room);
			assertThat(this.notifications.subscribers()).doesNotContain(olderSession);
		});
	}

	@Test
	void eachNewerConnectionReplacesThePreviousOne() {
		TestClient first = connect(this.alice);
		TestClient second = connect(this.alice);
		assertThat(first.awaitClose()).isEqualTo(4009);

		TestClient third = connect(this.alice);

		assertThat(second.awaitClose()).isEqualTo(4009);
		assertNothingQueued(third);
		assertThat(third.isClosed()).isFalse();
	}

	@Test
	void leavesOtherUsersConnected() {
		TestClient bob = connect("bob-" + this.u);
		TestClient older = connect(this.alice);

		connect(this.alice);

		assertThat(older.awaitClose()).isEqualTo(4009);
		assertNothingQueued(bob);
		assertThat(bob.isClosed()).isFalse();
	}

	private TestClient connect(String user) {
		TestClient client = TestClient.connect(this.port, TestTokens.token(user));
		this.clients.add(client);
		return client;
	}

}
