package io.wsgateway.browser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.testsupport.TestTokens;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page and {@code gateway-client.js} in a real browser (Debian's chromium, driven
 * by Selenium through chromedriver): two people chat in a room, the gateway's web server is
 * restarted, then every session is closed with 1001 as a draining node does, and each time
 * the pages reconnect by themselves, re-join the room and keep chatting. Screenshots and the
 * pages' message logs are written to {@code target/browser/}.
 *
 * <p>Needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (or {@code CHROME_BIN}
 * and {@code CHROMEDRIVER}); {@code .ci/install-browser.sh} installs them. Without them
 * the test is skipped with the reason, except when {@code CI} is set, where it fails
 * (see {@link Chromium}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"gateway.security.jwt.secret=" + TestTokens.SECRET,
		"gateway.bus.type=local",
		"gateway.admission.max-connections-per-ip=1000",
		"gateway.admission.handshakes-per-minute-per-ip=100000" })
@ExtendWith(Chromium.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BrowserChatTests {

	private static final String ROOM = "lobby";

	private static final Pattern ATTEMPT = Pattern.compile("attempt (\\d+)");

	@LocalServerPort
	private int port;

	@Autowired
	private ServletWebServerApplicationContext context;

	@Autowired
	private SessionRegistry registry;

	private final List<DemoPage> pages = new ArrayList<>();

	@AfterEach
	void closeBrowsers() throws Exception {
		for (DemoPage page : this.pages) {
			page.screenshot("chat-" + page.name);
			page.saveLogAndQuit("chat-" + page.name);
		}
	}

	@Test
	void twoBrowsersChatAndKeepChattingAcrossRestartAndDrain() throws Exception {
		DemoPage alice = open("alice", 1280, 900);
		DemoPage bob = open("bob", 412, 915); // a phone-sized window

		for (DemoPage page : List.of(alice, bob)) {
			page.connect();
			page.joinRoom(ROOM);
		}
		exchange(alice, bob, "hello from alice");
		exchange(bob, alice, "hi alice, bob here");
		alice.click("ping-btn");
		alice.await("a ping latency", (d) -> alice.text("latency").matches("\\d+ ms"));

		// 1. The gateway's web server goes away and comes back on the same port: the pages
		// see their connections die, retry while it is down, and reconnect once it is up.
		List<String> before = List.of(alice.text("connection-id"), bob.text("connection-id"));
		restartWebServer(() -> {
			for (DemoPage page : List.of(alice, bob)) {
				page.awaitState("reconnecting");
				// at least one more attempt failed while the server was down
				page.await("a refused reconnect attempt", (d) -> attempt(page) >= 2);
			}
		});
		for (DemoPage page : List.of(alice, bob)) {
			awaitReconnected(page, 1);
			// Jetty drops the connections without a close frame (1006); a close frame would say 1001
			assertThat(page.text("last-close")).matches("^(1006|1001)\\b.*");
		}
		assertThat(List.of(alice.text("connection-id"), bob.text("connection-id"))).doesNotContainAnyElementsOf(before);
		exchange(alice, bob, "still here after the restart?");
		exchange(bob, alice, "yes, reconnected by itself");

		// 2. The node drains: every session is closed with 1001 "going away".
		closeAllSessions(1001, "draining (test)");
		for (DemoPage page : List.of(alice, bob)) {
			awaitReconnected(page, 2);
			assertThat(page.text("last-close")).startsWith("1001");
		}
		exchange(alice, bob, "and after the drain");
		exchange(bob, alice, "still chatting");

		assertThat(alice.text("state")).isEqualTo("open");
		assertThat(bob.text("state")).isEqualTo("open");
	}

	/** Sends from one page and waits until the other shows it and the sender's copy is acknowledged. */
	private static void exchange(DemoPage from, DemoPage to, String text) {
		from.say(text);
		to.await("'" + text + "' from " + from.name, (d) -> to.hasMessageFrom(from.name, text));
	}

	/** The attempt number the page shows while reconnecting, else 0. */
	private static int attempt(DemoPage page) {
		Matcher matcher = ATTEMPT.matcher(page.text("reconnect-detail"));
		return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
	}

	/** Waits until the page has reconnected {@code count} times and re-joined the room each time. */
	private static void awaitReconnected(DemoPage page, int count) {
		page.await(count + " reconnect(s)", (d) -> page.reconnectCount() >= count);
		page.awaitState("open");
		page.await("the room re-joined after reconnect " + count,
				(d) -> page.systemLines(ROOM, "rejoined #" + ROOM) >= count);
	}

	private DemoPage open(String name, int width, int height) {
		String url = "http://127.0.0.1:" + this.port + "/?token=" + TestTokens.token(name)
				+ "&initialDelayMs=300&maxDelayMs=" + Duration.ofSeconds(2).toMillis();
		DemoPage page = DemoPage.open(name, url, width, height);
		this.pages.add(page);
		return page;
	}

	/**
	 * Stops the embedded Jetty's connectors (closing every connection, WebSocket ones
	 * included), runs {@code whileDown}, and starts them again on the same port.
	 */
	private void restartWebServer(Runnable whileDown) {
		WebServer webServer = this.context.getWebServer();
		assertThat(webServer).as("the gateway runs on embedded Jetty").isInstanceOf(JettyWebServer.class);
		int boundPort = webServer.getPort();
		Connector[] connectors = ((JettyWebServer) webServer).getServer().getConnectors();
		List<EndPoint> open = new ArrayList<>();
		for (Connector connector : connectors) {
			open.addAll(connector.getConnectedEndPoints());
		}
		webServer.stop();
		open.forEach(EndPoint::close); // in case stopping a connector left one open
		for (Connector connector : connectors) {
			if (connector instanceof ServerConnector serverConnector) {
				serverConnector.setPort(boundPort); // port 0 would bind a new random port
			}
		}
		try {
			whileDown.run();
		}
		finally {
			webServer.start();
		}
		assertThat(webServer.getPort()).isEqualTo(boundPort);
	}

	/** Closes every open WebSocket session from the server side with the given code. */
	private void closeAllSessions(int code, String reason) {
		List<ClientSession> sessions = List.copyOf(this.registry.all());
		assertThat(sessions).as("open WebSocket sessions").hasSizeGreaterThanOrEqualTo(2);
		for (ClientSession session : sessions) {
			session.close(new CloseStatus(code, reason));
		}
	}

}
