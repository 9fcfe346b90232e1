package io.wsgateway.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsgateway.testsupport.MessagingEndToEndTest;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static io.wsgateway.testsupport.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory store, with history for rooms only and a recovery limit of 5: more missed
 * messages than the limit, and a family without history, are {@code recovered: false}.
 */
@MessagingEndToEndTest
@TestPropertySource(properties = { "gateway.history.rooms.size=100", "gateway.history.recovery-limit=5" })
class HistoryLimitsEndToEndTests {

	@LocalServerPort
	private int port;

	private final List<TestClient> clients = new ArrayList<>();

	private String u;

	@BeforeEach
	void names() {
		this.u = Wire.unique();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	@Test
	void recoversUpToTheLimitAndNotBeyond() {
		String room = "r" + this.u;
		TestClient bob = client("bob");
		String epoch = bob.request(message("join_room", "room", room)).get("epoch").asString();
		for (int i = 1; i <= 11; i++) {
			bob.request("{\"type\":\"broadcast\",\"room\":\"" + room + "\",\"payload\":" + i + "}");
		}
		JsonNode fiveMissed = client("alice").request(recover(room, 6, epoch));
		assertThat(fiveMissed.get("recovered").asBoolean()).isTrue();
		JsonNode sixMissed = client("carol").request(recover(room, 5, epoch));
		assertThat(sixMissed.get("recovered").asBoolean()).isFalse();
		assertThat(sixMissed.get("offset").asLong()).isEqualTo(11);
		this.clients.get(2).assertNoMessage(Duration.ofMillis(300));
		assertThat(this.clients.get(1).take(5, TestClient.TIMEOUT)).extracting((m) -> m.get("offset").asLong())
			.containsExactly(7L, 8L, 9L, 10L, 11L);
	}

	@Test
	void aFamilyWithoutHistoryNeverRecovers() {
		String clan = "c" + this.u;
		TestClient alice = client("alice", clan);
		JsonNode confirmed = alice.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"" + clan
				+ "\",\"recover\":{\"offset\":3,\"epoch\":\"e\"}}");
		assertThat(confirmed.get("status").asString()).isEqualTo("subscribed");
		assertThat(confirmed.get("recovered").asBoolean()).isFalse();
		assertThat(confirmed.has("offset")).isFalse();
		assertThat(confirmed.has("epoch")).isFalse();
		alice.request(message("chat", "clanId", clan, "content", "hi"));
		JsonNode history = alice.request(message("history", "clanId", clan));
		assertThat(history.get("clanId").asString()).isEqualTo(clan);
		assertThat(history.get("messages").isEmpty()).isTrue();
		assertThat(history.has("epoch")).isFalse();
	}

	private TestClient client(String user, String... clans) {
		TestClient client = TestClient.connect(this.port, TestTokens.token(user + this.u, List.of(), List.of(clans)));
		this.clients.add(client);
		return client;
	}

	private static String recover(String room, long offset, String epoch) {
		return "{\"type\":\"join_room\",\"room\":\"" + room + "\",\"recover\":{\"offset\":" + offset + ",\"epoch\":\""
				+ epoch + "\"}}";
	}

}
