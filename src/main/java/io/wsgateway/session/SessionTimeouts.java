package io.wsgateway.session;

/** The heartbeat period and the idle timeout, in nanoseconds. */
record SessionTimeouts(long heartbeatNanos, long idleNanos) {

	static SessionTimeouts from(WebSocketProperties properties) {
		return new SessionTimeouts(properties.heartbeatInterval().toNanos(), properties.idleTimeout().toNanos());
	}

}
