package io.wsgateway.protocol;

/** Server messages that belong to the protocol itself rather than to one feature. */
public final class ProtocolMessages {

	private ProtocolMessages() {
	}

	/**
	 * The first frame of every connection.
	 * @param heartbeatIntervalMs how often the server pings, and half the silence after which it closes
	 */
	public record Connected(String connectionId, String userId, String message, long heartbeatIntervalMs)
			implements ServerMessage {

		@Override
		public String type() {
			return "connected";
		}

	}

	/** The reply to a message that carried an {@code id} and has no result of its own. */
	public record Ack() implements ServerMessage {

		@Override
		public String type() {
			return "ack";
		}

	}

	/** An {@code error} reply. */
	public record Error(String code, String message) implements ServerMessage {

		@Override
		public String type() {
			return "error";
		}

	}

}
