package io.wsgateway.bus;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which event bus carries events between nodes and backends ({@code gateway.bus.*}).
 *
 * @param type {@code local} (one node, in process) or {@code rabbitmq}
 * @param exchange topic exchange for backend-to-gateway and gateway-to-gateway events
 * @param clientExchange topic exchange for gateway-to-backend events
 */
@ConfigurationProperties("gateway.bus")
public record BusProperties(
		@DefaultValue("local") Type type,
		@DefaultValue("gateway.events") String exchange,
		@DefaultValue("gateway.client-events") String clientExchange) {

	/** The bus implementation. */
	public enum Type {

		/** In-process: one node, no broker. */
		LOCAL,

		/** RabbitMQ: many nodes and backend services. */
		RABBITMQ

	}

}
