package io.wsgateway.session;

/**
 * The two bounds on what one client may hold up: queued bytes and the age of the write
 * under way.
 */
record SendLimits(long bufferLimitBytes, long timeLimitNanos) {

	static SendLimits from(WebSocketProperties properties) {
		return new SendLimits(properties.sendBufferLimit().toBytes(), properties.sendTimeLimit().toNanos());
	}

}
