package io.wsgateway.protocol;

import java.util.Set;

import io.wsgateway.session.ClientSession;

/**
 * Where the {@link MessageRouter} sends each client message once it is read: the handlers
 * behind their envelope checks, wrapped by the {@link MessageDispatcherDecorator}s that
 * meter and trace messages around this contract rather than inside it. Called on the
 * connection's inbound thread, one message at a time per connection.
 */
public interface MessageDispatcher {

	/** Returns the message types that have a handler. */
	Set<String> types();

	/**
	 * Handles a message that was read as JSON: checks its envelope, finds the handler by
	 * {@code type}, binds and validates the record, calls the handler and sends the sender
	 * its one reply.
	 */
	void dispatch(ClientSession session, InboundMessage message);

	/**
	 * Answers a message refused before its envelope could be checked (over the rate limit,
	 * not JSON, not an object) with an {@code error} frame.
	 * @param id the message's {@code id} when it could be read, else {@code null}
	 */
	void refuse(ClientSession session, String id, ErrorCode code, String reason);

}
