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
	 * @return how many of this node's sessions the event was addressed to (0 for events
	 * that reach no session, such as presence), for the delivery span's tag
	 * @throws MalformedEventException if a backend's event cannot be read
	 */
	int onEvent(BusEvent event);

}
