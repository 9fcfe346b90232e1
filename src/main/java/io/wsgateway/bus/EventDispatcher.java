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

	private final ObjectProvider<BusEventListener> provider;

	private volatile List<BusEventListener> listeners;

	EventDispatcher(ObjectProvider<BusEventListener> provider) {
		this.provider = provider;
	}

	/**
	 * Delivers the event to its listener.
	 * @return {@code false} if no listener handles the key
	 * @throws MalformedEventException if the listener cannot read the event
	 */
	public boolean dispatch(BusEvent event) {
		for (BusEventListener listener : listeners()) {
			if (event.routingKey().startsWith(listener.prefix())) {
				listener.onEvent(event);
				return true;
			}
		}
		return false;
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
