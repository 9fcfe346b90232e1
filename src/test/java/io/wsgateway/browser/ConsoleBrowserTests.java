package io.wsgateway.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import java.util.UUID;

import io.wsgateway.testsupport.GatewayCluster;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console ({@code /console/}) in Debian's chromium against two gateway nodes
 * on RabbitMQ: a wrong password sees nothing; the right one sees both nodes, finds a test
 * client's connection on the other node, opens its details, sends it a notification the
 * client receives, and disconnects it with 4000. Screenshots go to {@code target/console/}.
 */
@ExtendWith(Chromium.class)
@Timeout(180)
class ConsoleBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Path ARTIFACTS = Path.of("target", "console");

	@Test
	void operatorSeesTheClusterFindsAConnectionMessagesItAndDisconnectsIt() throws Exception {
		String user = "console-" + UUID.randomUUID().toString().substring(0, 8);
		try (GatewayCluster cluster = GatewayCluster.create("gateway.console.sample-interval=1s")) {
			GatewayCluster.Node a = cluster.start("node-a");
			GatewayCluster.Node b = cluster.start("node-b");
			WebDriver driver = browser();
			try {
				WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
				driver.get("http://127.0.0.1:" + a.port() + "/console");

				signIn(driver, "test", "wrong");
				wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "Not signed in"));
				assertThat(driver.findElement(By.id("console")).isDisplayed()).isFalse();
				assertThat(driver.findElements(By.cssSelector("#nodes tbody tr"))).isEmpty();
				screenshot(driver, "1-wrong-password");

				signIn(driver, "test", "test");
				wait.until((d) -> d.findElements(By.cssSelector("#nodes tbody tr[data-node=node-a]")).size() == 1
						&& d.findElements(By.cssSelector("#nodes tbody tr[data-node=node-b]")).size() == 1);
				wait.until((d) -> d.findElements(By.cssSelector("#charts .uplot")).size() >= 6);

				try (TestClient client = TestClient.connect(b.port(), TestTokens.token(user))) {
					client.request("{\"type\":\"subscribe_notifications\"}");
					String connectionId = client.connectionId();

					type(driver, "lookup-user", user);
					driver.findElement(By.id("lookup-user-button")).click();
					By connectionRow = By.cssSelector("#user-connections tr[data-connection='" + connectionId + "']");
					wait.until(ExpectedConditions.presenceOfElementLocated(connectionRow));
					wait.until((d) -> d.findElement(By.id("status")).getText().contains("1 connections"));
					screenshot(driver, "2-cluster");

					// the rows are redrawn on every refresh: click whichever is there now
					wait.ignoring(StaleElementReferenceException.class)
						.until((d) -> {
							d.findElement(connectionRow).findElement(By.tagName("button")).click();
							return true;
						});
					wait.until(ExpectedConditions.textToBePresentInElementLocated(
							By.cssSelector("#connection-details dd[data-field=node]"), "node-b"));
					assertThat(driver.findElement(By.cssSelector("#connection-details dd[data-field=userId]")).getText())
						.isEqualTo(user);

					driver.findElement(By.id("details-notify")).click();
					type(driver, "send-text", "hello from the operators");
					driver.findElement(By.id("send-button")).click();
					wait.until(ExpectedConditions.alertIsPresent()).accept();
					wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-result"), "202"));
					JsonNode notification = client.next("notification", WAIT);
					assertThat(notification.path("message").asString()).isEqualTo("hello from the operators");
					screenshot(driver, "3-sent");

					driver.findElement(By.id("details-close")).click();
					assertThat(driver.findElement(By.id("close-target")).getDomProperty("value")).isEqualTo(connectionId);
					type(driver, "close-code", "4000");
					driver.findElement(By.id("close-button")).click();
					wait.until(ExpectedConditions.alertIsPresent()).accept();
					wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-result"), "202"));
					assertThat(client.awaitClose(WAIT)).isEqualTo(4000);
					screenshot(driver, "4-disconnected");
				}
			}
			finally {
				screenshot(driver, "last");
				driver.quit();
			}
		}
	}

	private static WebDriver browser() {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(Chromium.BINARY.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--window-size=1280,1400");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Chromium.DRIVER.toFile())
			.build();
		return new ChromeDriver(service, options);
	}

	private static void signIn(WebDriver driver, String user, String password) {
		type(driver, "user", user);
		type(driver, "password", password);
		driver.findElement(By.id("login-button")).click();
	}

	private static void type(WebDriver driver, String id, String text) {
		WebElement input = driver.findElement(By.id(id));
		input.clear();
		input.sendKeys(text);
	}

	private static void screenshot(WebDriver driver, String name) throws IOException {
		Files.createDirectories(ARTIFACTS);
		Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(shot, ARTIFACTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}


}
