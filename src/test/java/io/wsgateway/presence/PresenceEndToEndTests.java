package io.wsgateway.presence;

import java.time.Duration;

import io.wsgateway.bus.EventBus;
import io.wsgateway.testsupport.MessagingEndToEndTest;
import io.wsgateway.testsupport.RecordingEventBus;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence on a single node with the in-process bus, where the node is the whole cluster:
 * the {@code presence} flag of {@code join_room}, the events with the default grace period,
 * the debounced backend events, and that nothing is exchanged on the bus.
 */
@MessagingEndToEndTest
class PresenceEndToEndTests {

	/** The default grace period (5 s) and then some. */
	private static final Duration AFTER_GRACE = Duration.ofSeconds(15);

	@LocalServerPort
	private int port;

	@Autowired
	private EventBus bus;

	@Test
	void theFlagMustBeABoolean() {
		String u = Wire.unique();
		try (TestClient client = TestClient.connect(this.port, TestTokens.token("flag-" + u))) {
			JsonNode reply = client
				.request("{\"type\":\"join_room\",\"id\":\"j1\",\"room\":\"r-" + u + "\",\"presence\":\"yes\"}");
			assertThat(Wire.assertError(reply, "j1", "invalid_message")).contains("presence");
		}
	}

	@Test
	void aSingleNodeTellsMembersAndBackendsOnceWithTheGracePeriod() {
		String u = Wire.unique();
		String room = "room-" + u;
		String bob = "bob-" + u;
		try (TestClient watcher = TestClient.connect(this.port, TestTokens.token("watcher-" + u))) {
			assertThat(watcher.request(join(room, true)).path("members").asInt()).isEqualTo(1);
			TestClient bob1 = TestClient.connect(this.port, TestTokens.token(bob));
			TestClient bob2 = TestClient.connect(this.port, TestTokens.token(bob));
			assertThat(bob1.request(join(room, false)).path("members").asInt()).isEqualTo(2);
			assertThat(bob2.request(join(room, false)).path("members").asInt()).isEqualTo(3);
			JsonNode joined = watcher.next("presence", AFTER_GRACE);
			Wire.assertFields(joined, "type", "room", "userId", "action");
			assertThat(joined.path("userId").asString()).isEqualTo(bob);
			assertThat(joined.path("action").asString()).isEqualTo("joined");
			assertThat(recorder().backendEvents("presence.connected"))
				.filteredOn((event) -> event.json().contains("\"userId\":\"" + bob + "\""))
				.hasSize(1);

			bob1.close();
			bob2.close();
			JsonNode left = watcher.next("presence", AFTER_GRACE);
			assertThat(left.path("userId").asString()).isEqualTo(bob);
			assertThat(left.path("action").asString()).isEqualTo("left");
			await().atMost(AFTER_GRACE)
				.until(() -> recorder().backendEvents("presence.disconnected")
					.stream()
					.filter((event) -> event.json().contains("\"userId\":\"" + bob + "\""))
					.count() == 1);
			watcher.assertNoMessage(Duration.ofMillis(300));
		}
		assertThat(recorder().published()).noneMatch((event) -> event.routingKey().startsWith("cluster."));
	}

	private RecordingEventBus recorder() {
		return (RecordingEventBus) this.bus;
	}

	private static String join(String room, boolean presence) {
		return "{\"type\":\"join_room\",\"room\":\"" + room + "\"" + (presence ? ",\"presence\":true" : "") + "}";
	}

}
