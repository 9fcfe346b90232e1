package io.wsgateway.bus;

/**
 * Delivers bus events of one family to this node's sessions. Implemented by the message
 * families (rooms, chat, notifications); the bus knows only routing-key prefixes.
 */
public interface BusEventListener {

	/** Returns the routing-key prefix this listener handles, such as {@code room.}. */
	String prefix();

	/**
	 * Called for every event whose key starts with {@link #prefix()}: synchronously for
	 * events this node publishes, on a broker consumer thread for events from elsewhere.
	 * @throws MalformedEventException if a backend's event cannot be read
	 */
	void onEvent(BusEvent event);

}
