package io.wsgateway.ops;

import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actuator moved to {@code management.server.port}, as the Helm chart does: the same
 * access rules apply there, and the application port keeps only the gateway.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@ActiveProfiles("test")
@DirtiesContext
class ManagementPortTests {

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Test
	void actuatorOnTheManagementPortWithTheSameRules() {
		assertThat(this.managementPort).isNotEqualTo(this.port);
		Actuator management = Actuator.at(this.managementPort);
		assertThat(management.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(management.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		assertThat(management.get("/actuator/prometheus").statusCode()).isEqualTo(200);
		assertThat(management.get("/actuator/websocket").statusCode()).isEqualTo(401);
		assertThat(management.get("/actuator/websocket", Actuator.basic("test", "wrong")).statusCode()).isEqualTo(401);
		assertThat(management.get("/actuator/websocket", "Bearer " + TestTokens.token("player")).statusCode())
			.isEqualTo(401);
		assertThat(management.get("/actuator/websocket", Actuator.BASIC).statusCode()).isEqualTo(200);
		assertThat(management.get("/actuator/metrics", Actuator.adminJwt()).statusCode()).isEqualTo(200);
		assertThat(management.json("/actuator/health").path("components").has("websocket")).isTrue();

		// the operator console is where Actuator is; its files are public, its data is not
		assertThat(management.get("/console/").statusCode()).isEqualTo(200);
		assertThat(management.get("/console/console.js").statusCode()).isEqualTo(200);
		assertThat(management.get("/console/vendor/uplot/dist/uPlot.esm.js").statusCode()).isEqualTo(200);
		assertThat(management.get("/actuator/cluster").statusCode()).isEqualTo(401);
		assertThat(management.get("/actuator/cluster", Actuator.BASIC).statusCode()).isEqualTo(200);

		// the application port has the gateway, not Actuator nor the console
		assertThat(Actuator.at(this.port).get("/actuator/health").statusCode()).isEqualTo(404);
		assertThat(Actuator.at(this.port).get("/console/").statusCode()).isEqualTo(404);
		try (TestClient client = TestClient.connect(this.port, TestTokens.token("on-app-port"))) {
			assertThat(client.request("{\"type\":\"ping\"}").path("type").asString()).isEqualTo("pong");
		}
	}

}
