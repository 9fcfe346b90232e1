package io.wsgateway.session;

/**
 * What the WebSocket handler hands every accepted connection and text message to.
 */
public interface InboundMessageHandler {

	/**
	 * Called once when the connection is open, before any message from it and before the
	 * session is visible to fan-outs. Returns the first frame the client receives.
	 */
	OutboundFrame connectedFrame(ClientSession session);

	/**
	 * Called for each text message, one at a time per connection, on the container's
	 * thread for that connection.
	 */
	void onMessage(ClientSession session, String text);

	/**
	 * Called for each ping frame, on the same thread as {@link #onMessage}: a ping counts
	 * against the connection's message rate, and repeated excess closes the connection as
	 * excess messages do, but no {@code rate_limited} frame answers it.
	 */
	void onPing(ClientSession session);

}
