package io.wsgateway.handshake;

/**
 * How a handshake ended; the values are the {@code outcome} tag of the
 * {@code gateway.handshakes} counter.
 */
public enum HandshakeOutcome {

	/** 101: the connection was opened. */
	ACCEPTED("accepted"),

	/** 401: no token, or a bad or expired one, where a token is required. */
	UNAUTHORIZED("unauthorized"),

	/** 403: an {@code Origin} outside the allowed list. */
	FORBIDDEN_ORIGIN("forbidden_origin"),

	/** 429: too many handshakes from one IP. */
	RATE_LIMITED("rate_limited"),

	/** 429: too many open connections from one IP. */
	IP_LIMIT("ip_limit"),

	/** 503: this node is at its connection limit. */
	AT_CAPACITY("at_capacity"),

	/** 503: this node is shutting down. */
	DRAINING("draining");

	private final String tag;

	HandshakeOutcome(String tag) {
		this.tag = tag;
	}

	/** Returns the metric tag value. */
	public String tag() {
		return this.tag;
	}

}
