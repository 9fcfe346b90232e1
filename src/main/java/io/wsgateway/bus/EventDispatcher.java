package io.wsgateway.bus;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Hands each event to the listener of its routing-key prefix. Listeners are looked up on
 * first use because they depend, through the session registry, on the bus itself.
 */
@Component
public class EventDispatcher {

	/** What {@link #dispatch} returns when no listener handles the event's key. */
	public static final int NO_LISTENER = -1;

	private final ObjectProvider<BusEventListener> provider;

	private volatile List<BusEventListener> listeners;

	EventDispatcher(ObjectProvider<BusEventListener> provider) {
		this.provider = provider;
	}

	/**
	 * Delivers the event to its listener.
	 * @return how many sessions the listener addressed, or {@link #NO_LISTENER} if no
	 * listener handles the key
	 * @throws MalformedEventException if the listener cannot read the event
	 */
	public int dispatch(BusEvent event) {
		for (BusEventListener listener : listeners()) {
			if (event.routingKey().startsWith(listener.prefix())) {
				return listener.onEvent(event);
			}
		}
		return NO_LISTENER;
	}

	private List<BusEventListener> listeners() {
		List<BusEventListener> resolved = this.listeners;
		if (resolved == null) {
			resolved = this.provider.orderedStream().toList();
			this.listeners = resolved;
		}
		return resolved;
	}

}
