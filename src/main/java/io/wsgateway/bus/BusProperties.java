package io.wsgateway.bus;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which event bus carries events between nodes and backends ({@code gateway.bus.*}).
 *
 * @param type {@code local} (one node, in process) or {@code rabbitmq}
 * @param exchange topic exchange for backend-to-gateway and gateway-to-gateway events
 * @param clientExchange topic exchange for gateway-to-backend events
 * @param confirmTimeout longest wait for the broker's publisher confirm before the sender
 * gets {@code service_unavailable}
 * @param circuitOpenDuration how long the circuit breaker stays open (every publish fails
 * fast) after failures, before it lets trial publishes through
 * @param prefetch unacknowledged events the broker may push to this node at once
 * @param routingKeyPrefix put in front of every routing key on both exchanges (for example
 * {@code prod.}, giving {@code prod.room.lobby}), so that several environments can share
 * one broker and its exchanges; empty by default
 */
@ConfigurationProperties("gateway.bus")
public record BusProperties(
		@DefaultValue("local") Type type,
		@DefaultValue("gateway.events") String exchange,
		@DefaultValue("gateway.client-events") String clientExchange,
		@DefaultValue("5s") Duration confirmTimeout,
		@DefaultValue("5s") Duration circuitOpenDuration,
		@DefaultValue("250") int prefetch,
		@DefaultValue("") String routingKeyPrefix) {

	/** The bus implementation. */
	public enum Type {

		/** In-process: one node, no broker. */
		LOCAL,

		/** RabbitMQ: many nodes and backend services. */
		RABBITMQ

	}

}
