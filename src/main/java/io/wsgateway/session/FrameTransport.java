package io.wsgateway.session;

import java.util.function.Consumer;

/**
 * The non-blocking write side of one WebSocket connection. {@link ClientSession} calls it
 * with at most one write outstanding at a time.
 */
interface FrameTransport {

	/**
	 * Starts sending a frame's text as a text message and returns without waiting for the
	 * network. Exactly one of the callbacks runs when the write finished or failed, possibly
	 * on the calling thread before this method returns. The same frame may be on its way to
	 * many connections at once.
	 */
	void sendText(OutboundFrame frame, Runnable onSuccess, Consumer<Throwable> onFailure);

	/** Starts sending a WebSocket ping; callbacks as for {@link #sendText}. */
	void sendPing(Runnable onSuccess, Consumer<Throwable> onFailure);

	/** Starts sending a WebSocket pong with this payload; callbacks as for {@link #sendText}. */
	void sendPong(byte[] payload, Runnable onSuccess, Consumer<Throwable> onFailure);

	/** Starts the closing handshake with the given code and reason. */
	void close(int code, String reason);

	/** Drops the connection at once, without a closing handshake. */
	void disconnect();

	/** Returns whether the connection is still open. */
	boolean isOpen();

}
