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
 * @param offset the message's offset in its channel's history (PROTOCOL.md section 10), or 0
 * for an event without one (no history, or a backend's, which every node receiving it
 * stamps alike)
 * @param epoch the epoch of {@code offset}, or {@code null}
 * @param messageId a backend's AMQP {@code message_id}, or {@code null}
 */
public record BusEvent(String routingKey, String kind, String body, String origin, String excludeConnection,
		long offset, String epoch, String messageId) {

	/** An event without offset and message id. */
	public BusEvent(String routingKey, String kind, String body, String origin, String excludeConnection) {
		this(routingKey, kind, body, origin, excludeConnection, 0, null, null);
	}

	/** Returns whether a gateway published this event (its body is then a ready client frame). */
	public boolean fromGateway() {
		return this.origin != null;
	}

	/** Returns this event with a body that carries its offset and epoch, and both as fields. */
	public BusEvent withOffset(String stampedBody, long offset, String epoch) {
		return new BusEvent(this.routingKey, this.kind, stampedBody, this.origin, this.excludeConnection, offset, epoch,
				this.messageId);
	}

}
