package io.wsgateway.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionRegistry;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

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
		"gateway.security.anonymous=true",
		"gateway.bus.type=local",
		"gateway.admission.max-connections-per-ip=1000",
		"gateway.admission.handshakes-per-minute-per-ip=100000" })
@ExtendWith(Chromium.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BrowserChatTests {

	private static final Path OUTPUT = Path.of("target", "browser");

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String ROOM = "lobby";

	@LocalServerPort
	private int port;

	@Autowired
	private ServletWebServerApplicationContext context;

	@Autowired
	private SessionRegistry registry;

	private final List<Page> pages = new ArrayList<>();

	@AfterEach
	void closeBrowsers() throws IOException {
		for (Page page : this.pages) {
			page.saveArtifacts();
			page.quit();
		}
	}

	@Test
	void twoBrowsersChatAndKeepChattingAcrossRestartAndDrain() throws Exception {
		Page alice = open("alice", 1280, 900);
		Page bob = open("bob", 412, 915); // a phone-sized window

		for (Page page : List.of(alice, bob)) {
			page.connect();
			page.joinRoom(ROOM);
		}
		exchange(alice, bob, "hello from alice");
		exchange(bob, alice, "hi alice, bob here");
		alice.ping();

		// 1. The gateway's web server goes away and comes back on the same port: the pages
		// see their connections die, retry while it is down, and reconnect once it is up.
		List<String> before = List.of(alice.connectionId(), bob.connectionId());
		restartWebServer(() -> {
			for (Page page : List.of(alice, bob)) {
				page.awaitState("reconnecting");
				// at least one more attempt failed while the server was down
				page.await("a refused reconnect attempt", (d) -> page.intText("reconnect-attempt") >= 2);
			}
		});
		for (Page page : List.of(alice, bob)) {
			page.awaitReconnected(1);
			// Jetty drops the connections without a close frame (1006); a close frame would say 1001
			assertThat(page.text("last-close")).matches("^(1006|1001)\\b.*");
		}
		assertThat(List.of(alice.connectionId(), bob.connectionId())).doesNotContainAnyElementsOf(before);
		exchange(alice, bob, "still here after the restart?");
		exchange(bob, alice, "yes, reconnected by itself");

		// 2. The node drains: every session is closed with 1001 "going away".
		closeAllSessions(1001, "draining (test)");
		for (Page page : List.of(alice, bob)) {
			page.awaitReconnected(2);
			assertThat(page.text("last-close")).startsWith("1001");
		}
		exchange(alice, bob, "and after the drain");
		exchange(bob, alice, "still chatting");

		assertThat(alice.text("state")).isEqualTo("open");
		assertThat(bob.text("state")).isEqualTo("open");
	}

	/** Sends from one page and waits until the other shows it and the sender's copy is acknowledged. */
	private void exchange(Page from, Page to, String text) {
		from.send(text);
		to.await("'" + text + "' from " + from.name, (d) -> to.hasMessage(from.name, text));
		from.await("the gateway's ack of '" + text + "'", (d) -> from.ownMessageSent(text));
	}

	private Page open(String name, int width, int height) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(Chromium.BINARY.toString());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=" + width + "," + height);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(Chromium.DRIVER.toFile())
			.usingAnyFreePort()
			.build();
		Page page = new Page(name, new ChromeDriver(service, options));
		this.pages.add(page);
		page.driver.get("http://127.0.0.1:" + this.port + "/?nick=" + name);
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

	/** One browser showing the demo page. */
	private static final class Page {

		private final String name;

		private final WebDriver driver;

		private final WebDriverWait wait;

		Page(String name, WebDriver driver) {
			this.name = name;
			this.driver = driver;
			this.wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
		}

		void connect() {
			this.driver.findElement(By.id("connect-btn")).click();
			awaitState("open");
			assertThat(connectionId()).isNotBlank().isNotEqualTo("–");
		}

		void joinRoom(String room) {
			WebElement input = this.driver.findElement(By.id("room-input"));
			input.clear();
			input.sendKeys(room);
			this.driver.findElement(By.id("join-btn")).click();
			await("room_joined for #" + room, (d) -> {
				if (systemLines(room, "joined #" + room) >= 1) {
					return true;
				}
				this.driver.findElements(By.cssSelector("#chat-messages li.system"))
					.stream()
					.map(WebElement::getText)
					.filter((line) -> line.startsWith("could not join #" + room))
					.findFirst()
					.ifPresent((line) -> fail(this.name + ": " + line));
				return false;
			});
		}

		/** Clicks Ping and waits for the measured round trip to show. */
		void ping() {
			this.driver.findElement(By.id("ping-btn")).click();
			await("a ping latency", (d) -> text("latency").matches("\\d+ ms"));
		}

		void send(String text) {
			WebElement input = this.driver.findElement(By.id("chat-input"));
			input.sendKeys(text);
			this.driver.findElement(By.id("send-btn")).click();
		}

		boolean hasMessage(String from, String text) {
			return this.driver.findElements(By.cssSelector("#chat-messages li.theirs"))
				.stream()
				.anyMatch((li) -> from.equals(li.getDomAttribute("data-from")) && li.getText().contains(text));
		}

		boolean ownMessageSent(String text) {
			return this.driver.findElements(By.cssSelector("#chat-messages li.mine.sent"))
				.stream()
				.anyMatch((li) -> li.getText().contains(text));
		}

		long systemLines(String room, String text) {
			return this.driver.findElements(By.cssSelector("#chat-messages li.system"))
				.stream()
				.filter((li) -> room.equals(li.getDomAttribute("data-room")) && li.getText().startsWith(text))
				.count();
		}

		/** Waits until this page has reconnected {@code count} times and re-joined the room each time. */
		void awaitReconnected(int count) {
			await(count + " reconnect(s)", (d) -> intText("reconnect-count") >= count);
			awaitState("open");
			await("the room re-joined after reconnect " + count, (d) -> systemLines(ROOM, "rejoined #" + ROOM) >= count);
		}

		void awaitState(String state) {
			await("state " + state, (d) -> state.equals(text("state")));
		}

		void await(String what, java.util.function.Function<WebDriver, Boolean> condition) {
			try {
				this.wait.withMessage(() -> this.name + " waited for " + what + "; state " + text("state")
						+ ", last close " + text("last-close"))
					.until(condition::apply);
			}
			catch (RuntimeException ex) {
				throw new AssertionError(ex.getMessage() + "\n--- page log ---\n" + text("log"), ex);
			}
		}

		String text(String id) {
			return this.driver.findElement(By.id(id)).getText().trim();
		}

		int intText(String id) {
			try {
				return Integer.parseInt(text(id));
			}
			catch (NumberFormatException ex) {
				return -1;
			}
		}

		String connectionId() {
			return text("connection-id");
		}

		void saveArtifacts() throws IOException {
			Files.createDirectories(OUTPUT);
			try {
				byte[] png = ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.BYTES);
				Files.write(OUTPUT.resolve("chat-" + this.name + ".png"), png);
				String log = (String) ((org.openqa.selenium.JavascriptExecutor) this.driver)
					.executeScript("return document.getElementById('log').innerText;");
				Files.writeString(OUTPUT.resolve("chat-" + this.name + "-log.txt"), String.valueOf(log),
						StandardCharsets.UTF_8);
			}
			catch (RuntimeException ex) {
				Files.writeString(OUTPUT.resolve("chat-" + this.name + "-error.txt"), ex.toString(),
						StandardCharsets.UTF_8);
			}
		}

		void quit() {
			try {
				this.driver.quit();
			}
			catch (RuntimeException ex) {
				// the browser is gone already
			}
		}

	}

}
