package io.wsgateway.handshake;

/**
 * Receives the outcome of every handshake that reached the gateway's endpoint, for
 * metrics and operational statistics. Must return quickly and not throw.
 */
public interface HandshakeEvents {

	/** Called once per handshake with how it ended. */
	void handshake(HandshakeOutcome outcome);

	/** Called when a connection was closed before it completed a request, with the reason. */
	default void pendingClosed(PendingConnections.PendingCloseReason reason) {
	}

}
