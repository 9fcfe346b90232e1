package io.wsgateway.dev;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.wsgateway.GatewayApplication;
import io.wsgateway.testsupport.TestTokens;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the profiles differ in, each started as an application is: {@code /dev/**} exists
 * only in {@code dev} (404 in the default and {@code test} profiles), Swagger UI needs the
 * Actuator credential outside {@code dev}, {@code server.address} overrides the dev
 * profile's loopback, and no profile has Spring Boot generate and log a password.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProfilesTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final String GENERATED = "generated security password";

	@ParameterizedTest
	@ValueSource(strings = { "default", "test" })
	void devEndpointsAreAbsentAndSwaggerUiNeedsTheActuatorCredential(String profile, CapturedOutput output)
			throws Exception {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--gateway.bus.type=local"));
		if (profile.equals("default")) {
			// the default profile has no key and no Basic user of its own
			args.add("--gateway.security.jwt.secret=" + TestTokens.SECRET);
		}
		try (ConfigurableApplicationContext app = start(profile, args)) {
			int port = port(app);
			assertThat(send(port, "POST", "/dev/token", "{\"sub\":\"alice\"}", null).statusCode()).isEqualTo(404);
			assertThat(send(port, "GET", "/dev/config", null, null).statusCode()).isEqualTo(404);
			assertThat(send(port, "GET", "/swagger-ui/index.html", null, null).statusCode()).isEqualTo(401);
			assertThat(send(port, "GET", "/swagger-ui.html", null, null).statusCode()).isEqualTo(401);
			String admin = "Bearer " + TestTokens.token("ops", List.of("admin"), List.of());
			assertThat(send(port, "GET", "/swagger-ui/index.html", null, admin).statusCode()).isEqualTo(200);
			String basic = "Basic " + Base64.getEncoder().encodeToString("test:test".getBytes(StandardCharsets.UTF_8));
			assertThat(send(port, "GET", "/swagger-ui/index.html", null, basic).statusCode())
				.as("Basic works only where spring.security.user is set, as the test profile does")
				.isEqualTo(profile.equals("test") ? 200 : 401);
			assertThat(send(port, "GET", "/v3/api-docs", null, null).statusCode()).isEqualTo(200);
		}
		assertThat(output.getAll()).doesNotContainIgnoringCase(GENERATED);
	}

	@Test
	void devProfileLogsNoGeneratedPasswordAndYieldsToServerAddress(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext app = start("dev", List.of("--server.port=0", "--server.address=127.0.0.2"))) {
			JettyWebServer webServer = (JettyWebServer) ((ServletWebServerApplicationContext) app).getWebServer();
			assertThat(((ServerConnector) webServer.getServer().getConnectors()[0]).getHost()).isEqualTo("127.0.0.2");
		}
		assertThat(output.getAll()).contains("Dev profile: POST /dev/token").doesNotContainIgnoringCase(GENERATED);
	}

	private static ConfigurableApplicationContext start(String profile, List<String> args) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(GatewayApplication.class);
		if (!profile.equals("default")) {
			builder.profiles(profile);
		}
		return builder.run(args.toArray(String[]::new));
	}

	private static int port(ConfigurableApplicationContext app) {
		return ((ServletWebServerApplicationContext) app).getWebServer().getPort();
	}

	private static HttpResponse<String> send(int port, String method, String path, String json, String authorization)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
					: HttpRequest.BodyPublishers.noBody());
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
