package io.wsgateway.browser;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import static io.wsgateway.testsupport.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gateway-client.js} recovering in a real browser (Debian's chromium): the demo
 * page's connection is closed by the server while another member keeps talking; the page
 * reconnects, re-joins with {@code recover}, and shows the missed messages as recovered. The
 * second time more are missed than {@code gateway.history.recovery-limit}, and the page says
 * a reload is needed. Screenshots go to {@code target/browser/}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"gateway.security.jwt.secret=" + TestTokens.SECRET, "gateway.bus.type=local",
		"gateway.history.rooms.size=100", "gateway.history.recovery-limit=5",
		"gateway.admission.max-connections-per-ip=1000", "gateway.admission.handshakes-per-minute-per-ip=100000" })
@ExtendWith(Chromium.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BrowserRecoveryTests {

	private static final String ROOM = "lobby";

	@LocalServerPort
	private int port;

	@Autowired
	private SessionRegistry registry;

	private DemoPage alice;

	@AfterEach
	void closeBrowser() throws Exception {
		if (this.alice != null) {
			this.alice.screenshot("recovery-alice");
			this.alice.saveLogAndQuit("recovery-alice");
		}
	}

	@Test
	void theDemoPageRecoversMissedMessagesAndSaysWhenItCannot() {
		// A reconnect delay long enough for bob to talk while alice is away.
		this.alice = DemoPage.open("alice", "http://127.0.0.1:" + this.port + "/?token=" + TestTokens.token("alice")
				+ "&initialDelayMs=2000&maxDelayMs=2000", 1280, 900);
		this.alice.connect();
		this.alice.joinRoom(ROOM);
		try (TestClient bob = TestClient.connect(this.port, TestTokens.token("bob"))) {
			bob.request(message("join_room", "room", ROOM));
			say(bob, "before the drop");
			this.alice.await("bob's first message", (d) -> this.alice.hasMessageFrom("bob", "before the drop"));

			dropAlice();
			for (int i = 1; i <= 3; i++) {
				say(bob, "missed " + i);
			}
			this.alice.await("the recovery notice",
					(d) -> this.alice.has("#chat-messages li.system.recovered-notice", "#" + ROOM + ": recovered"));
			this.alice.await("three recovered messages",
					(d) -> this.alice.texts("#chat-messages li.recovered").size() == 3);
			assertThat(this.alice.texts("#chat-messages li.recovered")).allMatch((text) -> text.contains("recovered"))
				.anyMatch((text) -> text.contains("missed 1"))
				.anyMatch((text) -> text.contains("missed 3"));
			say(bob, "live again");
			this.alice.await("a live message after the recovery", (d) -> this.alice.hasMessageFrom("bob", "live again"));
			assertThat(this.alice.texts("#chat-messages li.recovered")).hasSize(3);

			dropAlice();
			for (int i = 1; i <= 6; i++) {
				say(bob, "too many " + i);
			}
			this.alice.await("the reload notice",
					(d) -> this.alice.has("#chat-messages li.system.reload-needed", "reload needed"));
			assertThat(this.alice.texts("#chat-messages li.theirs")).noneMatch((text) -> text.contains("too many"));
		}
	}

	private void dropAlice() {
		int before = this.alice.reconnectCount();
		List<ClientSession> sessions = this.registry.all().stream().filter((s) -> s.userId().equals("alice")).toList();
		assertThat(sessions).hasSize(1);
		sessions.get(0).close(new CloseStatus(1001, "going away (test)"));
		this.alice.await("the page to see its connection closed", (d) -> !"open".equals(this.alice.text("state")));
		assertThat(this.alice.reconnectCount()).isEqualTo(before);
	}

	private static void say(TestClient client, String text) {
		String reply = client.request("{\"type\":\"broadcast\",\"room\":\"" + ROOM + "\",\"payload\":{\"text\":\"" + text
				+ "\"}}").get("type").asString();
		assertThat(reply).isEqualTo("ack");
	}

}
