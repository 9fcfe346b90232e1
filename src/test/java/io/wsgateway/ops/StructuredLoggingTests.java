package io.wsgateway.ops;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.wsgateway.GatewayApplication;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Structured JSON logging is switched on by a property alone,
 * {@code logging.structured.format.console=ecs}: every console line becomes one JSON
 * object, and the connection's MDC keys ({@code connectionId}, {@code userId}) become
 * fields of it, with no token anywhere.
 *
 * <p>The gateway runs in a JVM of its own, with the application's classpath but not the
 * test classes: their {@code logback-test.xml} would take the place of Spring Boot's
 * default configuration, which is the one that honours the property, and logging is set
 * up once per JVM, so a context in this test JVM could not switch it.
 */
class StructuredLoggingTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final Pattern STARTED = Pattern.compile("started on port (\\d+)");

	private Process process;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() throws InterruptedException {
		if (this.process != null) {
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void ecsFormatWritesJsonLinesWithConnectionAndUserId() throws IOException {
		int port = start("--logging.structured.format.console=ecs", "--logging.level.io.wsgateway=DEBUG");
		String user = "json-" + Wire.unique();
		String token = TestTokens.token(user);
		String connectionId;
		try (TestClient client = TestClient.connect(TestClient.uri(port, token), java.util.Map.of())) {
			connectionId = client.connectionId();
			assertThat(client.request("{\"type\":\"echo\",\"payload\":\"x\"}").path("payload").asString())
				.isEqualTo("x");
		}
		await().atMost(WAIT).until(() -> json(connectionId, "Connection closed with 1000") != null);

		JsonNode opened = json(connectionId, "Connection opened from");
		assertThat(opened).as("'Connection opened' line of %s in %s", connectionId, this.lines).isNotNull();
		assertThat(opened.path("connectionId").asString()).isEqualTo(connectionId);
		assertThat(opened.path("userId").asString()).isEqualTo(user);
		assertThat(opened.path("log").path("level").asString()).isEqualTo("DEBUG");
		assertThat(opened.has("@timestamp")).isTrue();
		JsonNode closed = json(connectionId, "Connection closed with 1000");
		assertThat(closed.path("userId").asString()).isEqualTo(user);

		// every line is JSON, not just ours
		assertThat(this.lines).isNotEmpty().allSatisfy((line) -> assertThat(parse(line)).as(line).isNotNull());
		assertThat(String.join("\n", this.lines)).doesNotContain(token)
			.doesNotContain(token.substring(token.lastIndexOf('.') + 1));
	}

	private JsonNode json(String connectionId, String message) {
		for (String line : this.lines) {
			JsonNode json = parse(line);
			if (json != null && connectionId.equals(json.path("connectionId").asString(null))
					&& json.path("message").asString("").startsWith(message)) {
				return json;
			}
		}
		return null;
	}

	private static JsonNode parse(String line) {
		try {
			JsonNode json = TestClient.json().readTree(line);
			return json.isObject() ? json : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** Starts the gateway on a free port with these extra arguments; returns the port from its log. */
	private int start(String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", applicationClasspath(),
				GatewayApplication.class.getName(), "--server.port=0", "--spring.main.banner-mode=off",
				"--gateway.node-id=json-node", "--gateway.security.jwt.secret=" + TestTokens.SECRET));
		command.addAll(Arrays.asList(arguments));
		this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Thread reader = new Thread(() -> {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = out.readLine()) != null) {
					this.lines.add(line);
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		}, "structured-logging-output");
		reader.setDaemon(true);
		reader.start();
		int[] port = new int[1];
		await().atMost(WAIT).until(() -> {
			if (!this.process.isAlive()) {
				throw new AssertionError("gateway exited with " + this.process.exitValue() + ": " + this.lines);
			}
			for (String line : this.lines) {
				Matcher started = STARTED.matcher(line);
				if (started.find()) {
					port[0] = Integer.parseInt(started.group(1));
					return true;
				}
			}
			return false;
		});
		return port[0];
	}

	/** The test JVM's classpath without the test classes (and so without logback-test.xml). */
	private static String applicationClasspath() {
		String classpath = System.getProperty("surefire.test.class.path");
		if (classpath == null || classpath.isBlank()) {
			classpath = System.getProperty("java.class.path");
		}
		return Arrays.stream(classpath.split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.filter((entry) -> !Path.of(entry).normalize().endsWith(Path.of("target", "test-classes")))
			.collect(Collectors.joining(File.pathSeparator));
	}

}
