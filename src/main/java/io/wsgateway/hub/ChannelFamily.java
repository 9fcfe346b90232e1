package io.wsgateway.hub;

import io.wsgateway.bus.EventBus;

/**
 * A family of channels (rooms, clan chats, notifications): what the {@link ChannelHub}
 * needs to know of its channels, which is where their events travel on the bus. A feature
 * package declares its family once, as a constant, and keeps its policy (who may join,
 * how a bus event becomes a frame) to itself.
 */
public interface ChannelFamily {

	/** Returns the family's id, such as {@link Channel#ROOM}; unique among families. */
	String id();

	/** Returns the prefix of the routing keys of the family's events, such as {@code room.}. */
	String keyPrefix();

	/** Returns the routing key of a channel's events. */
	default String routingKey(String name) {
		return keyPrefix() + name;
	}

	/**
	 * Binds this node to a channel's events; called by the hub when the channel's first
	 * local member joins, under the channel's lock.
	 */
	default void bind(EventBus bus, String name) {
		bus.bind(routingKey(name));
	}

	/** Undoes {@link #bind}; called by the hub when the channel's last local member left. */
	default void unbind(EventBus bus, String name) {
		bus.unbind(routingKey(name));
	}

	/**
	 * Returns how membership of the channel shows in the {@code status} reply's
	 * {@code subscriptions}, or {@code null} when it does not show there.
	 */
	default String subscription(String name) {
		return null;
	}

}
