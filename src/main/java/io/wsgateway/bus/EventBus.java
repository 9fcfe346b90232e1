package io.wsgateway.bus;

import java.util.concurrent.CompletionStage;

/**
 * Carries events between this node's message families, the other gateway nodes and the
 * backend services. Handlers publish here and never talk to a broker or another node
 * themselves, so the in-process and the RabbitMQ implementations are interchangeable.
 */
public interface EventBus {

	/**
	 * Publishes an event to every node, this one included. Events a node publishes reach
	 * its local sessions and every other node in publish order. This node's listener runs
	 * before the returned stage completes: at once for the local bus, after the broker's
	 * confirm for RabbitMQ, so that nothing is delivered anywhere unless the event reached
	 * every node.
	 * @return a stage that completes when the event will reach every node that stays up
	 * (at once for the local bus), or exceptionally with a
	 * {@link io.wsgateway.protocol.GatewayException} of code {@code service_unavailable}
	 * when it reached nobody
	 */
	CompletionStage<Void> publish(BusEvent.Frame event);

	/**
	 * Publishes an event to every node, as {@link #publish}, and in the same broker message
	 * to backends on {@code gateway.client-events} under {@code backendRoutingKey}: one
	 * outcome for both, so that the event is either with every node and backend or with
	 * none. Other nodes receive it only where they bound the backend key
	 * ({@link #bindClientEvents}).
	 * @return as for {@link #publish}
	 */
	CompletionStage<Void> publishWithBackend(BusEvent.Frame event, String backendRoutingKey);

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

	/**
	 * Tells the bus that a local session needs the events other nodes publish with
	 * {@link #publishWithBackend} under this backend key; calls for a key already bound are
	 * ignored.
	 */
	void bindClientEvents(String backendRoutingKey);

	/** Tells the bus that no local session needs the events under this backend key any more. */
	void unbindClientEvents(String backendRoutingKey);

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
