package io.wsgateway.browser;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first ten minutes of a newcomer, in Debian's chromium against the {@code dev} profile
 * that {@code ./mvnw spring-boot:run} starts: two windows pick two users (alice an admin, bob
 * on a phone-sized window), talk in a room, subscribe to a clan and see each other type, bob
 * gets a test notification sent through the server API, disconnects and connects again and
 * keeps his room (alice's next message arrives, {@code status} lists the room), a refused
 * send shows its error on the page, a token the gateway refuses stops the page's
 * reconnecting, and a picked user's short-lived token is refreshed on the live connection.
 * Screenshots go to {@code target/browser/newcomer-*.png}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("dev")
@ExtendWith(Chromium.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class NewcomerPathTests {

	@LocalServerPort
	private int port;

	private final List<DemoPage> pages = new ArrayList<>();

	@AfterEach
	void closeBrowsers() {
		this.pages.forEach((page) -> page.saveLogAndQuit("newcomer-" + page.name));
	}

	@Test
	void twoPickedUsersTryEveryFeatureAndKeepTheirRoomAcrossDisconnect() throws Exception {
		DemoPage alice = open("alice", "/", 1280, 1000);
		DemoPage bob = open("bob", "/", 412, 915);
		alice.signIn("alice", "admin", "red");
		bob.signIn("bob", "", "red, blue");
		assertThat(alice.text("claims")).isEqualTo("admin · red");

		// a room
		alice.joinRoom("lobby");
		bob.joinRoom("lobby");
		alice.say("hello from alice");
		bob.await("alice's message", (d) -> bob.hasMessageFrom("alice", "hello from alice"));
		bob.say("hi alice");
		alice.await("bob's message", (d) -> alice.hasMessageFrom("bob", "hi alice"));

		// a clan, with typing
		alice.subscribeClan("red");
		bob.subscribeClan("red");
		alice.typeInClanChat("are you th");
		bob.await("alice typing", (d) -> bob.text("typing").equals("alice is typing…"));
		bob.typeInClanChat("yes");
		alice.await("bob typing", (d) -> alice.text("typing").equals("bob is typing…"));
		alice.click("clan-send-btn");
		bob.await("alice's clan message", (d) -> bob.has("#clan-messages li.theirs", "are you th"));
		bob.await("alice no longer typing", (d) -> bob.text("typing").isEmpty());
		alice.screenshot("newcomer-alice");

		// a notification through the server API
		bob.click("test-notif-btn");
		bob.await("the test notification", (d) -> bob.has("#notifications li", "Test notification"));
		bob.await("the API's answer",
				(d) -> bob.text("api-call").startsWith("POST /api/v1/users/bob/messages (X-API-Key) → 202"));
		assertThat(bob.text("notif-status")).isEqualTo("subscribed");
		bob.scrollTo("notifications-card");
		bob.screenshot("newcomer-bob-notification");

		// Disconnect, then Connect: the same client re-joins the room and re-subscribes
		bob.click("disconnect-btn");
		bob.awaitState("closed");
		assertThat(bob.text("user-id")).isEqualTo("–");
		assertThat(bob.text("connection-id")).isEqualTo("–");
		bob.connect();
		bob.await("#lobby re-joined", (d) -> bob.systemLines("lobby", "rejoined #lobby") >= 1);
		alice.say("are you back, bob?");
		bob.await("alice's message after the reconnect", (d) -> bob.hasMessageFrom("alice", "are you back, bob?"));
		bob.click("status-btn");
		bob.await("status listing the room", (d) -> bob.has("#tool-output li[data-kind=status]", "rooms [lobby]"));
		alice.typeInClanChat("still subscribed?");
		bob.await("alice typing after the reconnect", (d) -> bob.text("typing").equals("alice is typing…"));

		// sends the gateway refuses show their error where they were made
		bob.type("broadcast-input", "everyone, listen");
		bob.click("broadcast-btn");
		bob.await("the refused broadcast", (d) -> bob.has("#tool-output li.failed", "forbidden"));
		alice.type("broadcast-input", "maintenance at noon");
		alice.click("broadcast-btn");
		bob.await("alice's global broadcast", (d) -> bob.has("#tool-output li[data-kind=broadcast]", "maintenance at noon"));
		bob.scrollTo("tools-card");
		bob.screenshot("newcomer-bob-protocol");

		alice.type("echo-input", "{\"hi\":1}");
		alice.click("echo-btn");
		alice.await("the echo", (d) -> alice.has("#tool-output li[data-kind=echo]", "{\"hi\":1}"));
		alice.scrollTo("connection-card");
		alice.screenshot("newcomer-alice-end");
		bob.scrollTo("rooms-card");
		bob.screenshot("newcomer-bob-end");
	}

	@Test
	void aRefusedTokenStopsReconnectingUntilTheUserActs() throws Exception {
		String foreign = TestTokens.token("mallory"); // signed with the tests' key, not the dev profile's
		DemoPage page = open("mallory", "/?autoconnect=1&token=" + foreign, 1280, 900);
		page.await("the token refused", (d) -> page.text("hint").startsWith("Token refused"));
		page.awaitState("closed");
		assertThat(page.text("last-close")).startsWith("1006 token refused").endsWith("(final)");
		assertThat(page.text("reconnect-detail")).isEmpty();
		page.screenshot("newcomer-token-refused");

		page.signIn("mallory", "", "");
		assertThat(page.text("hint")).isEmpty();
	}

	@Test
	void aPickedUsersShortLivedTokenIsRefreshedWithoutAReconnect() throws Exception {
		DemoPage page = open("carol", "/?user=carol&ttl=6&autoconnect=1", 1280, 900);
		page.awaitState("open");
		String connection = page.text("connection-id");
		page.await("three refreshes of a 6 s token", (d) -> page.texts("#chat-messages li.system")
			.stream()
			.filter((line) -> line.startsWith("token refreshed"))
			.count() >= 3);
		assertThat(page.text("state")).isEqualTo("open");
		assertThat(page.text("connection-id")).isEqualTo(connection);
		assertThat(page.reconnectCount()).isZero();
		page.screenshot("newcomer-token-refreshed");
	}

	private DemoPage open(String name, String path, int width, int height) {
		DemoPage page = DemoPage.open(name, "http://127.0.0.1:" + this.port + path, width, height);
		this.pages.add(page);
		return page;
	}

}
