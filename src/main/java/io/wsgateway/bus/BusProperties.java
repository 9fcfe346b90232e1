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
 * @param confirmTimeout longest wait for the broker's publisher confirm; past it the channel
 * is closed and the unconfirmed messages are sent again on a new one (their outcome is
 * unknown, so the sender waits for it rather than get an error that may be untrue)
 * @param circuitOpenDuration how long the circuit breaker stays open (every publish fails
 * fast) after failures, before it lets trial publishes through
 * @param prefetch unacknowledged events the broker may push to this node at once
 * @param routingKeyPrefix put in front of every routing key on both exchanges (for example
 * {@code prod.}, giving {@code prod.room.lobby}), so that several environments can share
 * one broker and its exchanges; empty by default
 * @param queueExpiry how long this node's queue outlives its last connection to the
 * broker ({@code x-expires}): events for its sessions published meanwhile, by other nodes
 * or backends, wait in it and are delivered when the node is back; after it the broker
 * deletes the queue and what it held. At least one second.
 * @param persistentEvents whether events between nodes are persistent messages, which the
 * broker writes to disk before it confirms them, so that an acknowledged event still
 * reaches every node after a broker restart; {@code false} (transient) is cheaper for the
 * broker, and an event acknowledged but still waiting in a queue when the broker restarts
 * is then lost
 * @param duplicateWindow how many of the backends' AMQP {@code message_id}s each node
 * remembers, to deliver a backend's event once when it arrives again (a redelivery after a
 * dropped connection, or the backend's own retry); at least 1
 */
@ConfigurationProperties("gateway.bus")
public record BusProperties(
		@DefaultValue("local") Type type,
		@DefaultValue("gateway.events") String exchange,
		@DefaultValue("gateway.client-events") String clientExchange,
		@DefaultValue("5s") Duration confirmTimeout,
		@DefaultValue("5s") Duration circuitOpenDuration,
		@DefaultValue("250") int prefetch,
		@DefaultValue("") String routingKeyPrefix, @DefaultValue("60s") Duration queueExpiry,
		@DefaultValue("true") boolean persistentEvents, @DefaultValue("10000") int duplicateWindow) {

	public BusProperties {
		if (queueExpiry.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalStateException("gateway.bus.queue-expiry must be at least 1s, was " + queueExpiry);
		}
		if (duplicateWindow < 1) {
			throw new IllegalStateException("gateway.bus.duplicate-window must be at least 1, was " + duplicateWindow);
		}
	}

	/** The bus implementation. */
	public enum Type {

		/** In-process: one node, no broker. */
		LOCAL,

		/** RabbitMQ: many nodes and backend services. */
		RABBITMQ

	}

}
