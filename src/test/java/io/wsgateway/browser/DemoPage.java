package io.wsgateway.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One headless chromium window showing the demo page, driven as a person would: by the
 * page's own fields and buttons, read back from what the page shows. Screenshots and the
 * page's frame log go to {@code target/browser/}.
 */
final class DemoPage {

	static final Path OUTPUT = Path.of("target", "browser");

	private static final Duration WAIT = Duration.ofSeconds(30);

	final String name;

	private final WebDriver driver;

	private final WebDriverWait wait;

	private DemoPage(String name, WebDriver driver) {
		this.name = name;
		this.driver = driver;
		this.wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
	}

	/** Opens the page at {@code url} in a window of this size. */
	static DemoPage open(String name, String url, int width, int height) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(Chromium.BINARY.toString());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--hide-scrollbars", "--window-size=" + width + "," + height);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(Chromium.DRIVER.toFile())
			.usingAnyFreePort()
			.build();
		DemoPage page = new DemoPage(name, new ChromeDriver(service, options));
		page.driver.get(url);
		return page;
	}

	// ---- actions -----------------------------------------------------------------------------

	/** Fills the user picker and clicks "Get a dev token and connect"; waits for the connection. */
	void signIn(String user, String roles, String clans) {
		type("user-id-input", user);
		type("roles-input", roles);
		type("clans-input", clans);
		click("sign-in-btn");
		awaitState("open");
		await("signed in as " + user, (d) -> user.equals(text("user-id")));
	}

	void connect() {
		click("connect-btn");
		awaitState("open");
	}

	void joinRoom(String room) {
		type("room-input", room);
		click("join-btn");
		await("the gateway's room_joined for #" + room, (d) -> systemLines(room, "joined #" + room) >= 1);
	}

	/** Sends a room message and waits for the gateway's ack of it. */
	void say(String text) {
		type("chat-input", text);
		click("send-btn");
		await("the gateway's ack of '" + text + "'", (d) -> has("#chat-messages li.mine.sent", text));
	}

	void subscribeClan(String clanId) {
		type("clan-input", clanId);
		click("clan-btn");
		await("the subscription to " + clanId, (d) -> text("clan-status").startsWith("Subscribed to " + clanId));
	}

	/** Types into the clan message field without sending. */
	void typeInClanChat(String text) {
		this.driver.findElement(By.id("clan-chat-input")).sendKeys(text);
	}

	/** Clicks as a person would, with the element scrolled to the middle, clear of the sticky top bar. */
	void click(String id) {
		WebElement element = this.driver.findElement(By.id(id));
		((JavascriptExecutor) this.driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
		element.click();
	}

	void type(String id, String text) {
		WebElement input = this.driver.findElement(By.id(id));
		input.clear();
		input.sendKeys(text);
	}

	// ---- reading the page --------------------------------------------------------------------

	String text(String id) {
		return this.driver.findElement(By.id(id)).getText().trim();
	}

	List<String> texts(String css) {
		return this.driver.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
	}

	boolean has(String css, String text) {
		return texts(css).stream().anyMatch((t) -> t.contains(text));
	}

	boolean hasMessageFrom(String from, String text) {
		return this.driver.findElements(By.cssSelector("#chat-messages li.theirs"))
			.stream()
			.anyMatch((li) -> from.equals(li.getDomAttribute("data-from")) && li.getText().contains(text));
	}

	long systemLines(String room, String prefix) {
		return this.driver.findElements(By.cssSelector("#chat-messages li.system"))
			.stream()
			.filter((li) -> room.equals(li.getDomAttribute("data-room")) && li.getText().startsWith(prefix))
			.count();
	}

	int reconnectCount() {
		return Integer.parseInt(text("reconnect-count"));
	}

	void awaitState(String state) {
		await("state " + state, (d) -> state.equals(text("state")));
	}

	void await(String what, Predicate<WebDriver> condition) {
		try {
			this.wait.withMessage(() -> this.name + " waited for " + what + "; state " + text("state") + ", last close "
					+ text("last-close") + ", hint " + text("hint"))
				.until(condition::test);
		}
		catch (RuntimeException ex) {
			throw new AssertionError(ex.getMessage() + "\n--- page log ---\n" + text("log"), ex);
		}
	}

	// ---- artifacts ---------------------------------------------------------------------------

	/** Writes a screenshot of the window to {@code target/browser/<name>.png}. */
	Path screenshot(String file) throws IOException {
		Files.createDirectories(OUTPUT);
		Path path = OUTPUT.resolve(file + ".png");
		Files.write(path, ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.BYTES));
		assertThat(path).isNotEmptyFile();
		return path;
	}

	/** Scrolls so that the element with this id is at the top of the window. */
	void scrollTo(String id) {
		((JavascriptExecutor) this.driver).executeScript("document.getElementById(arguments[0]).scrollIntoView()", id);
	}

	void saveLogAndQuit(String file) {
		try {
			Files.createDirectories(OUTPUT);
			Object log = ((JavascriptExecutor) this.driver)
				.executeScript("return document.getElementById('log').innerText;");
			Files.writeString(OUTPUT.resolve(file + "-log.txt"), String.valueOf(log), StandardCharsets.UTF_8);
		}
		catch (IOException | RuntimeException ex) {
			// the browser is gone already; the test's own failure says why
		}
		try {
			this.driver.quit();
		}
		catch (RuntimeException ex) {
			// the browser is gone already
		}
	}

}
