package io.wsgateway.bus;

/**
 * What crosses {@code gateway.events}: a gateway node's {@link Frame}, ready for sessions, or
 * a backend service's {@link Backend} event, JSON that the family's listener turns into a
 * frame. Nodes publish only frames; backends' events only arrive.
 */
public sealed interface BusEvent permits BusEvent.Frame, BusEvent.Backend {

	/** Returns where the event goes, such as {@code room.lobby} or {@code notification.user.42}. */
	String routingKey();

	/** Returns the text the event carries: the client frame, or the backend's JSON. */
	String body();

	/** Returns the gateway node instance that published the event, or {@code null} for a backend's. */
	default String origin() {
		return null;
	}

	/** Returns the connection that must not receive the event (the sender's), or {@code null}. */
	default String excludeConnection() {
		return null;
	}

	/**
	 * An event a gateway node published: a client frame, sent to the sessions as it is.
	 *
	 * @param routingKey where it goes
	 * @param kind what it is, such as {@code room}, {@code chat} or {@code typing}: the
	 * {@code kind} tag of the bus meters
	 * @param body the client frame
	 * @param origin the publishing node, or {@code null} until the bus stamps it with its
	 * instance
	 * @param excludeConnection a connection that must not receive it (the sender's), or {@code null}
	 * @param offset the message's offset in its channel's history (PROTOCOL.md section 10),
	 * or 0 for a message without one
	 * @param epoch the epoch of {@code offset}, or {@code null}
	 */
	record Frame(String routingKey, String kind, String body, String origin, String excludeConnection, long offset,
			String epoch) implements BusEvent {

		/** A frame without offset. */
		public Frame(String routingKey, String kind, String body, String origin, String excludeConnection) {
			this(routingKey, kind, body, origin, excludeConnection, 0, null);
		}

		/** Returns this frame with a body that carries its offset and epoch, and both as fields. */
		public Frame withOffset(String stampedBody, long offset, String epoch) {
			return new Frame(this.routingKey, this.kind, stampedBody, this.origin, this.excludeConnection, offset,
					epoch);
		}

	}

	/**
	 * An event a backend service published: its JSON, read by the listener of its family.
	 *
	 * @param routingKey where it goes
	 * @param body the event's JSON
	 * @param messageId its AMQP {@code message_id}, or {@code null}
	 */
	record Backend(String routingKey, String body, String messageId) implements BusEvent {

		/** A backend's event without message id. */
		public Backend(String routingKey, String body) {
			this(routingKey, body, null);
		}

	}

}
