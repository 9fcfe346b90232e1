package io.wsgateway.ops;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code gateway.bus.type=rabbitmq} the broker's health is part of
 * {@code /actuator/health} as {@code broker} (here DOWN: nothing listens on port 1), but
 * not of readiness, and {@code gateway.bus.connected} is 0. Spring Boot's own
 * {@code rabbit} indicator stays off. ({@link ManagementAccessTests} shows neither exists
 * on the local bus; {@code RabbitBrokerDownTests} covers the node's behaviour.)
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.bus.type=rabbitmq", "spring.rabbitmq.port=1",
				"logging.level.org.springframework.amqp=OFF", "logging.level.com.rabbitmq=OFF",
				"logging.level.io.wsgateway.bus=ERROR" })
@ActiveProfiles("test")
@DirtiesContext
class BrokerHealthTests {

	@LocalServerPort
	int port;

	@Test
	void brokerHealthIsIncludedWithTheRabbitBusButNotInReadiness() {
		Actuator actuator = Actuator.at(this.port);
		JsonNode health = actuator.json("/actuator/health");
		JsonNode broker = health.path("components").path("broker");
		assertThat(broker.path("status").asString()).isEqualTo("DOWN");
		assertThat(broker.path("details").has("queue")).isTrue();
		assertThat(broker.path("details").has("circuitBreaker")).isTrue();
		assertThat(health.path("components").has("rabbit")).isFalse();
		assertThat(health.path("status").asString()).isEqualTo("DOWN");
		assertThat(actuator.get("/actuator/health").statusCode()).isEqualTo(503);

		assertThat(actuator.readinessStatus()).isEqualTo(200);
		assertThat(actuator.json("/actuator/health/readiness").path("components").has("broker")).isFalse();

		assertThat(actuator.prometheus().value("gateway_bus_connected")).isZero();
	}

}
