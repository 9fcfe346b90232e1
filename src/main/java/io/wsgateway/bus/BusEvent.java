package io.wsgateway.bus;

/**
 * An event on {@code gateway.events}.
 *
 * @param routingKey where it goes, such as {@code room.lobby} or {@code notification.user.42}
 * @param kind what it is, such as {@code room}, {@code chat} or {@code typing}; from the
 * publishing gateway, or {@code null} for an event a backend published
 * @param body from a gateway: the client frame, ready to send as it is; from a backend: the
 * event's JSON, which the listener turns into a client frame
 * @param origin the node id of the publishing gateway, or {@code null} for a backend
 * @param excludeConnection a connection that must not receive the event (the sender's), or {@code null}
 */
public record BusEvent(String routingKey, String kind, String body, String origin, String excludeConnection) {

	/** Returns whether a gateway published this event (its body is then a ready client frame). */
	public boolean fromGateway() {
		return this.origin != null;
	}

}
