package io.wsgateway.session;

/**
 * The heartbeat period, the idle timeout, and the clock skew allowed past a token's
 * {@code exp} before its connection is closed, in nanoseconds.
 */
record SessionTimeouts(long heartbeatNanos, long idleNanos, long tokenSkewNanos) {

	static SessionTimeouts from(WebSocketProperties properties, TokenExpiryGrace tokenGrace) {
		return new SessionTimeouts(properties.heartbeatInterval().toNanos(), properties.idleTimeout().toNanos(),
				tokenGrace.afterExpiry().toNanos());
	}

}
