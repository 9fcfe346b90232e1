package io.wsgateway.session;

import io.wsgateway.handshake.GatewaySecurityProperties;

/**
 * The heartbeat period, the idle timeout, and the clock skew allowed past a token's
 * {@code exp} before its connection is closed, in nanoseconds.
 */
record SessionTimeouts(long heartbeatNanos, long idleNanos, long tokenSkewNanos) {

	static SessionTimeouts from(WebSocketProperties properties, GatewaySecurityProperties security) {
		return new SessionTimeouts(properties.heartbeatInterval().toNanos(), properties.idleTimeout().toNanos(),
				security.jwt().clockSkew().toNanos());
	}

}
