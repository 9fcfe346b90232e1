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

}
