package io.wsgateway.protocol;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Server messages that belong to the protocol itself rather than to one feature. */
public final class ProtocolMessages {

	private ProtocolMessages() {
	}

	/**
	 * The first frame of every connection.
	 * @param heartbeatIntervalMs how often the server pings, and half the silence after which it closes
	 * @param expiresAt the token's {@code exp}, left out for a token without one: a {@code refresh}
	 * before then keeps the connection open
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Connected(String connectionId, String userId, String message, long heartbeatIntervalMs,
			Instant expiresAt) implements ServerMessage {

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

	/**
	 * The reply to subscribing to or unsubscribing from a service.
	 * @param service {@code notifications} or {@code clan_chat}
	 * @param clanId the clan, for {@code clan_chat} only
	 * @param status {@code subscribed} or {@code unsubscribed}
	 * @param offset a clan chat's current offset when it keeps history, else {@code null}
	 * @param epoch the epoch of {@code offset}, else {@code null}
	 * @param recovered whether a {@code recover} was honoured, {@code null} without one
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record SubscriptionConfirmed(String service, String clanId, String status, Long offset, String epoch,
			Boolean recovered) implements ServerMessage {

		/** The {@code status} after subscribing. */
		public static final String SUBSCRIBED = "subscribed";

		/** The {@code status} after unsubscribing. */
		public static final String UNSUBSCRIBED = "unsubscribed";

		/** A confirmation without history fields. */
		public SubscriptionConfirmed(String service, String clanId, String status) {
			this(service, clanId, status, null, null, null);
		}

		@Override
		public String type() {
			return "subscription_confirmed";
		}

	}

}
