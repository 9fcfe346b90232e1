package io.wsgateway.session;

import org.springframework.web.socket.CloseStatus;

/**
 * Receives what happens to sessions, for metrics and for features that keep per-session
 * state. Every bean of this type is called; methods must return quickly and not throw.
 */
public interface SessionEvents {

	/** Called after a session was registered and its {@code connected} frame queued. */
	default void opened(ClientSession session) {
	}

	/**
	 * Called once after a session was removed from the registry.
	 * @param status the code this side asked for, else the one the connection ended with
	 */
	default void closed(ClientSession session, CloseStatus status) {
	}

	/**
	 * Called on the connection's inbound thread when a {@code refresh} replaced its identity
	 * (same user; roles, clans and expiry may differ), before the {@code refreshed} reply.
	 * @param previous the identity before the refresh
	 */
	default void identityChanged(ClientSession session, ClientIdentity previous) {
	}

	/** Called for each text message received, with its size in UTF-8 bytes. */
	default void frameReceived(ClientSession session, int bytes) {
	}

	/** Called when a text frame has been written to the client. */
	default void frameSent(ClientSession session, OutboundFrame frame) {
	}

	/** Called when a session is closed as a slow consumer. */
	default void sendOverflow(ClientSession session) {
	}

	/** Called when a ping's pong took the place of an earlier pong that was still waiting. */
	default void pongCoalesced(ClientSession session) {
	}

}
