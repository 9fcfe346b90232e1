package io.wsgateway.dev;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.wsgateway.testsupport.TestClient;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code dev} profile as {@code ./mvnw spring-boot:run} starts it: {@code POST /dev/token}
 * signs tokens the gateway accepts and refuses invalid requests field by field, the profile
 * listens on loopback only, its API key opens the server API, Swagger UI is open and the
 * Actuator takes the profile's Basic credential.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("dev")
class DevTokenEndToEndTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ServletWebServerApplicationContext context;

	@Test
	void mintsATokenTheGatewayAccepts() throws Exception {
		HttpResponse<String> response = post("/dev/token",
				"{\"sub\":\"alice\",\"roles\":[\"admin\"],\"clans\":[\"c1\",\"c2\"],\"ttl\":600}");
		assertThat(response.statusCode()).isEqualTo(200);
		String token = json(response).path("token").asString();
		JsonNode claims = TestClient.json()
			.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
		assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(600);

		try (TestClient client = TestClient.connect(this.port, token)) {
			assertThat(client.connected().path("userId").asString()).isEqualTo("alice");
			JsonNode subscribed = client.request("{\"type\":\"subscribe_clan_chat\",\"id\":\"1\",\"clanId\":\"c2\"}");
			assertThat(subscribed.path("type").asString()).isEqualTo("subscription_confirmed");
			JsonNode broadcast = client.request("{\"type\":\"broadcast\",\"id\":\"2\",\"payload\":\"hello everyone\"}");
			assertThat(broadcast.path("type").asString()).as("admin may broadcast to everyone").isEqualTo("ack");
		}
	}

	@Test
	void givesTheDefaultLifetimeWithoutTtl() throws Exception {
		String token = json(post("/dev/token", "{\"sub\":\"bob\"}")).path("token").asString();
		JsonNode claims = TestClient.json()
			.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
		assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(3600);
		assertThat(claims.path("sub").asString()).isEqualTo("bob");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = {
			"{}                                              | #/sub",
			"{\"sub\":\"\"}                                  | #/sub",
			"{\"sub\":\"a\\u0000b\"}                         | #/sub",
			"{\"sub\":\"tab\\there\"}                        | #/sub",
			"{\"sub\":\"a\",\"ttl\":0}                       | #/ttl",
			"{\"sub\":\"a\",\"ttl\":86401}                   | #/ttl",
			"{\"sub\":\"a\",\"roles\":[\"ad min\"]}          | #/roles/0",
			"{\"sub\":\"a\",\"clans\":[\"c1\",null]}         | #/clans/1",
			"{\"sub\":\"a\",\"clans\":[\"c1\",\"\"]}         | #/clans/1" })
	void refusesAnInvalidRequestFieldByField(String body, String pointer) throws Exception {
		HttpResponse<String> response = post("/dev/token", body);
		assertThat(response.statusCode()).isEqualTo(400);
		JsonNode errors = json(response).path("errors");
		assertThat(errors).hasSize(1);
		assertThat(errors.get(0).path("pointer").asString()).isEqualTo(pointer);
	}

	@Test
	void refusesTooLongASubjectAndTooManyClaimValues() throws Exception {
		assertThat(post("/dev/token", "{\"sub\":\"" + "x".repeat(257) + "\"}").statusCode()).isEqualTo(400);
		assertThat(post("/dev/token", "{\"sub\":\"" + "x".repeat(256) + "\"}").statusCode()).isEqualTo(200);
		String clans = "\"c\",".repeat(32) + "\"c\"";
		HttpResponse<String> response = post("/dev/token", "{\"sub\":\"a\",\"clans\":[" + clans + "]}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response).path("errors").get(0).path("pointer").asString()).isEqualTo("#/clans");
	}

	@Test
	void refusesABodyThatIsNotJsonOrOfTheWrongTypes() throws Exception {
		assertThat(post("/dev/token", "sub=alice").statusCode()).isEqualTo(400);
		HttpResponse<String> wrongType = post("/dev/token", "{\"sub\":\"a\",\"ttl\":\"long\"}");
		assertThat(wrongType.statusCode()).isEqualTo(400);
		assertThat(wrongType.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		HttpResponse<String> form = HTTP.send(request("/dev/token")
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofString("{\"sub\":\"a\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(form.statusCode()).as("a cross-site form cannot post JSON as text/plain").isEqualTo(415);
	}

	@Test
	void listensOnLoopbackOnly() {
		JettyWebServer webServer = (JettyWebServer) this.context.getWebServer();
		Connector[] connectors = webServer.getServer().getConnectors();
		assertThat(connectors).isNotEmpty()
			.allSatisfy((connector) -> assertThat(((ServerConnector) connector).getHost()).isEqualTo("127.0.0.1"));
	}

	@Test
	void theApiKeyOfDevConfigOpensTheServerApi() throws Exception {
		HttpResponse<String> config = HTTP.send(request("/dev/config").GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(config.statusCode()).isEqualTo(200);
		String apiKey = json(config).path("apiKey").asString();
		assertThat(apiKey).isNotBlank();
		HttpResponse<String> sent = HTTP.send(request("/api/v1/users/alice/messages").header("X-API-Key", apiKey)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"Test\",\"message\":\"from the API\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(sent.statusCode()).isEqualTo(202);
	}

	@Test
	void swaggerUiIsOpenAndTheActuatorTakesTheProfilesCredential() throws Exception {
		HttpResponse<String> ui = HTTP.send(request("/swagger-ui/index.html").GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(ui.statusCode()).isEqualTo(200);
		assertThat(ui.body()).contains("Swagger UI");
		String basic = "Basic " + Base64.getEncoder().encodeToString("dev:dev".getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> websocket = HTTP.send(request("/actuator/websocket").header("Authorization", basic)
			.GET()
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(websocket.statusCode()).isEqualTo(200);
		HttpResponse<String> without = HTTP.send(request("/actuator/websocket").GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(without.statusCode()).isEqualTo(401);
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return HTTP.send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
	}

	private static JsonNode json(HttpResponse<String> response) {
		return TestClient.json().readTree(response.body());
	}

}
