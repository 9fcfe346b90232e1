package io.wsgateway.protocol;

/** The {@code code} of an {@code error} frame. */
public enum ErrorCode {

	/** The frame is not valid JSON. */
	BAD_JSON("bad_json"),

	/** A field is missing or has the wrong type or form; the message names it. */
	INVALID_MESSAGE("invalid_message"),

	/** No handler for the message's {@code type}. */
	UNKNOWN_TYPE("unknown_type"),

	/** The token does not allow this (role, clan, room membership). */
	FORBIDDEN("forbidden"),

	/** The connection sent more than {@code gateway.limits.messages-per-second}. */
	RATE_LIMITED("rate_limited"),

	/** A per-connection limit such as {@code gateway.limits.max-rooms-per-connection} is reached; nothing changed. */
	LIMIT_EXCEEDED("limit_exceeded"),

	/** A dependency such as the broker is unavailable; try again later. */
	SERVICE_UNAVAILABLE("service_unavailable"),

	/** An unexpected failure in the gateway. */
	INTERNAL_ERROR("internal_error"),

	/** A {@code refresh} token failed verification; the connection keeps its current token. */
	INVALID_TOKEN("invalid_token");

	private final String code;

	ErrorCode(String code) {
		this.code = code;
	}

	/** Returns the wire value. */
	public String code() {
		return this.code;
	}

}
