package io.wsgateway.session;

import org.springframework.web.socket.CloseStatus;

/**
 * The close codes of the gateway's wire contract, each with the reason sent to the client.
 */
public final class GatewayCloseStatus {

	/** 1000: normal closure (also heartbeat and idle timeouts, and closes asked for by an operator). */
	public static final CloseStatus NORMAL = CloseStatus.NORMAL;

	/** 1000 after two heartbeat intervals without any inbound traffic. */
	public static final CloseStatus HEARTBEAT_TIMEOUT = new CloseStatus(1000, "heartbeat timeout");

	/** 1000 after {@code idle-timeout} without any inbound traffic. */
	public static final CloseStatus IDLE_TIMEOUT = new CloseStatus(1000, "idle timeout");

	/** 1001: this node is shutting down or draining; reconnect elsewhere. */
	public static final CloseStatus GOING_AWAY = new CloseStatus(1001, "node shutting down");

	/** 1003: binary frames are not accepted. */
	public static final CloseStatus BINARY_NOT_ACCEPTED = new CloseStatus(1003, "binary frames are not accepted");

	/** 1008: the token expired while the connection was open. */
	public static final CloseStatus TOKEN_EXPIRED = new CloseStatus(1008, "token expired");

	/** 1009: an inbound message was larger than {@code max-message-size}. */
	public static final CloseStatus MESSAGE_TOO_BIG = new CloseStatus(1009, "message too big");

	/** 1011: an unexpected server error. */
	public static final CloseStatus SERVER_ERROR = new CloseStatus(1011, "unexpected server error");

	/**
	 * Returns the 1011 sent when the gateway failed on a connection: a fixed text and the
	 * connection id, by which the logged exception is found, never the exception's message.
	 */
	public static CloseStatus serverError(String connectionId) {
		return new CloseStatus(1011, "internal error, connection " + connectionId);
	}

	/** 1013: overloaded, try again later. */
	public static final CloseStatus OVERLOADED = new CloseStatus(1013, "overloaded, try again later");

	/** 4008: closed after repeated rate-limit violations. */
	public static final CloseStatus RATE_LIMITED = new CloseStatus(4008, "rate limit exceeded repeatedly");

	/** 4009: the same user opened a newer connection and the policy is {@code single}. */
	public static final CloseStatus REPLACED = new CloseStatus(4009, "replaced by a newer connection");

	/** 4010: the client does not read fast enough. */
	public static final CloseStatus SLOW_CONSUMER = new CloseStatus(4010, "slow consumer");

	private GatewayCloseStatus() {
	}

}
