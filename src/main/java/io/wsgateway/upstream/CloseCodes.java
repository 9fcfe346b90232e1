package io.wsgateway.upstream;

/**
 * How the close code of one side of a proxied connection becomes the code sent to the
 * other side. Codes that may travel in a close frame pass unchanged, reasons included;
 * codes that only describe how a connection ended locally (RFC 6455 section 7.4.1) are
 * mapped.
 */
final class CloseCodes {

	/** 1000: normal closure. */
	static final int NORMAL = 1000;

	/** 1001: going away. */
	static final int GOING_AWAY = 1001;

	/** 1005: the close frame carried no code (never sent). */
	static final int NO_CODE = 1005;

	/** 1006: the connection ended without a close frame (never sent). */
	static final int ABNORMAL = 1006;

	/** 1011: unexpected condition. */
	static final int SERVER_ERROR = 1011;

	/** 1014: bad gateway, the upstream failed (IANA WebSocket close code registry). */
	static final int BAD_GATEWAY = 1014;

	/** 1015: TLS handshake failure (never sent). */
	static final int TLS_FAILURE = 1015;

	/** The reason of the 1014 a client gets when its target broke the WebSocket protocol. */
	static final String PROTOCOL_ERROR_REASON = "upstream protocol error";

	private CloseCodes() {
	}

	/**
	 * Returns the code for the client when the upstream side ended with {@code code}: no
	 * code becomes 1000, a lost upstream connection or failed TLS 1014 (bad gateway).
	 */
	static int toClient(int code) {
		return switch (code) {
			case NO_CODE -> NORMAL;
			case ABNORMAL, TLS_FAILURE -> BAD_GATEWAY;
			default -> sendable(code) ? code : SERVER_ERROR;
		};
	}

	/** Returns the reason for the client that goes with {@link #toClient(int)}. */
	static String toClientReason(int code, String reason) {
		return switch (code) {
			case NO_CODE -> "";
			case ABNORMAL, TLS_FAILURE -> "upstream connection lost";
			default -> sendable(code) ? reason(reason) : "upstream closed with an invalid code";
		};
	}

	/**
	 * Returns the code for the upstream when the client side ended with {@code code}: no
	 * code becomes 1000, a client that vanished (no close frame) 1001.
	 */
	static int toUpstream(int code) {
		return switch (code) {
			case NO_CODE -> NORMAL;
			case ABNORMAL, TLS_FAILURE -> GOING_AWAY;
			default -> sendable(code) ? code : GOING_AWAY;
		};
	}

	/** Returns the reason for the upstream that goes with {@link #toUpstream(int)}. */
	static String toUpstreamReason(int code, String reason) {
		return switch (code) {
			case NO_CODE -> "";
			case ABNORMAL, TLS_FAILURE -> "client connection lost";
			default -> sendable(code) ? reason(reason) : "client went away";
		};
	}

	/** Returns whether {@code code} may be sent in a close frame. */
	static boolean sendable(int code) {
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
	}

	private static String reason(String reason) {
		return (reason != null) ? reason : "";
	}

}
