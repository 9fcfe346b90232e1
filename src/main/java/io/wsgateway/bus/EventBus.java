package io.wsgateway.bus;

import java.util.concurrent.CompletionStage;

/**
 * Carries events between this node's message families, the other gateway nodes and the
 * backend services. Handlers publish here and never talk to a broker or another node
 * themselves, so the in-process and the RabbitMQ implementations are interchangeable.
 */
public interface EventBus {

	/**
	 * Publishes an event to every node, this one included. This node's listener runs
	 * before the method returns, so events one thread publishes reach local sessions in
	 * order; other nodes receive them in the same order.
	 * @return a stage that completes when the event has been handed to every node (at once
	 * for the local bus), or exceptionally with a
	 * {@link io.wsgateway.protocol.GatewayException} of code {@code service_unavailable}
	 */
	CompletionStage<Void> publish(BusEvent event);

	/**
	 * Publishes an event for backend services on {@code gateway.client-events}.
	 * @param routingKey such as {@code chat.message.<clanId>}
	 * @param json the event's JSON body
	 * @return a stage that completes when the broker has confirmed the message (at once for
	 * the local bus, which has no backend), or exceptionally with a
	 * {@link io.wsgateway.protocol.GatewayException} of code {@code service_unavailable}
	 */
	CompletionStage<Void> publishToBackend(String routingKey, String json);

	/**
	 * Tells the bus that a local session now needs events for this key. Called by a
	 * family on the first local interest; calls for a key already bound are ignored.
	 */
	void bind(String routingKey);

	/** Tells the bus that no local session needs this key any more. */
	void unbind(String routingKey);

	/** Returns whether the bus can reach other nodes and backends right now. */
	boolean isConnected();

	/**
	 * Returns whether events published here can reach other gateway nodes at all:
	 * {@code false} for the in-process bus, where this node is the whole cluster and
	 * features that exchange cluster state (presence) keep it to themselves.
	 */
	default boolean reachesOtherNodes() {
		return false;
	}

	/**
	 * Returns whether events for backends ({@link #publishToBackend}) go anywhere at all:
	 * {@code false} for the in-process bus, which drops them, so that a caller can skip
	 * building an event nobody receives.
	 */
	default boolean reachesBackends() {
		return reachesOtherNodes();
	}

}
