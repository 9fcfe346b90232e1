package io.wsgateway.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.wsgateway.session.ClientSession;

/**
 * Handles one client message type. Beans of this type are found by the
 * {@link MessageRouter}; each {@link #type()} may have only one handler.
 *
 * @param <T> the record the message is bound to; Bean Validation constraints on its
 * components are checked before {@link #handle} is called
 */
public interface MessageHandler<T> {

	/** A reply stage for handlers whose sender gets no result of its own ({@code ack} when it sent an {@code id}). */
	CompletionStage<ServerMessage> NO_REPLY = CompletableFuture.completedStage(null);

	/** Returns the {@code type} this handler answers. */
	String type();

	/** Returns the record class messages are bound to. */
	Class<T> messageClass();

	/**
	 * Called once per valid message, on the sending connection's inbound thread, so calls
	 * for one connection never overlap.
	 * @return a stage completing with the reply for the sender (the router adds its
	 * {@code id}), with {@code null} for no specific reply, or exceptionally with a
	 * {@link GatewayException} for an {@code error} reply
	 */
	CompletionStage<ServerMessage> handle(ClientSession session, T message);

	/** Returns an already-completed reply stage. */
	static CompletionStage<ServerMessage> reply(ServerMessage message) {
		return CompletableFuture.completedStage(message);
	}

}
