package io.wsgateway.ops;

import java.io.IOException;
import java.time.Duration;

import io.wsgateway.testsupport.GatewayProcess;
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

	private GatewayProcess gateway;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.gateway != null) {
			this.gateway.close();
		}
	}

	@Test
	void ecsFormatWritesJsonLinesWithConnectionAndUserId() throws IOException {
		this.gateway = GatewayProcess.start("json-node", "--logging.structured.format.console=ecs",
				"--logging.level.io.wsgateway=DEBUG");
		int port = this.gateway.port();
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
		assertThat(opened).as("'Connection opened' line of %s in %s", connectionId, this.gateway.lines()).isNotNull();
		assertThat(opened.path("connectionId").asString()).isEqualTo(connectionId);
		assertThat(opened.path("userId").asString()).isEqualTo(user);
		assertThat(opened.path("log").path("level").asString()).isEqualTo("DEBUG");
		assertThat(opened.has("@timestamp")).isTrue();
		JsonNode closed = json(connectionId, "Connection closed with 1000");
		assertThat(closed.path("userId").asString()).isEqualTo(user);

		// every line is JSON, not just ours
		assertThat(this.gateway.lines()).isNotEmpty().allSatisfy((line) -> assertThat(parse(line)).as(line).isNotNull());
		assertThat(String.join("\n", this.gateway.lines())).doesNotContain(token)
			.doesNotContain(token.substring(token.lastIndexOf('.') + 1));
	}

	private JsonNode json(String connectionId, String message) {
		for (String line : this.gateway.lines()) {
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

}
