package io.wsgateway.bus.rabbit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import io.wsgateway.GatewayApplication;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose broker is unreachable from the start: it starts, says so in health, keeps
 * every local feature working, and answers messages that need the broker with
 * {@code service_unavailable} without closing anything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RabbitBrokerDownTests {

	private ConfigurableApplicationContext node;

	private int port;

	@BeforeAll
	void start() {
		// Port 1 refuses at once: a broker that is down, not one that is slow.
		this.node = new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=0",
				"--gateway.bus.type=rabbitmq", "--spring.rabbitmq.port=1", "--spring.main.banner-mode=off",
				"--gateway.security.jwt.secret=" + TestTokens.SECRET, "--logging.level.io.wsgateway=ERROR",
				"--logging.level.org.springframework.amqp=OFF", "--logging.level.com.rabbitmq=OFF",
				"--logging.level.org.springframework.boot.security=ERROR");
		this.port = ((WebServerApplicationContext) this.node).getWebServer().getPort();
	}

	@AfterAll
	void stop() {
		this.node.close();
	}

	@Test
	void reportsTheBrokerDownWhileStayingReady() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/actuator/health")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(health.statusCode()).isEqualTo(503);
		HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(uri("/actuator/health/readiness")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(this.node.getBean(RabbitEventBus.class).isConnected()).isFalse();
	}

	@Test
	void servesLocalFeaturesAndRefusesBrokerBoundMessages() {
		try (TestClient client = TestClient.connect(this.port, TestTokens.token("u", List.of(), List.of("c1")))) {
			assertThat(client.request("{\"type\":\"echo\",\"payload\":7}").path("payload").asInt()).isEqualTo(7);
			assertThat(client.request("{\"type\":\"join_room\",\"room\":\"r\"}").path("type").asString())
				.isEqualTo("room_joined");
			client.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"c1\"}");
			for (String message : List.of("{\"type\":\"chat\",\"clanId\":\"c1\",\"content\":\"hi\"}",
					"{\"type\":\"broadcast\",\"room\":\"r\",\"payload\":1}",
					"{\"type\":\"notification_ack\",\"notificationId\":\"n1\"}")) {
				JsonNode reply = client.request(message);
				assertThat(reply.path("type").asString()).isEqualTo("error");
				assertThat(reply.path("code").asString()).isEqualTo("service_unavailable");
			}
			assertThat(client.request("{\"type\":\"ping\"}").path("type").asString()).isEqualTo("pong");
			assertThat(client.isClosed()).isFalse();
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
