package io.wsgateway.protocol;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import io.wsgateway.session.ClientSession;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * The handlers behind their envelope checks: the {@code id} and {@code type}, the handler
 * for the type, the record bound and validated, the handler called, and the sender's one
 * reply carrying its {@code id}: the result, an {@code ack}, or an {@code error}.
 */
final class HandlerDispatcher implements MessageDispatcher {

	// The router's category, which operators' logging configuration already names.
	private static final Logger logger = LoggerFactory.getLogger(MessageRouter.class);

	private static final int MAX_ECHOED_TYPE_LENGTH = 64;

	private static final ServerMessage ACK = new ProtocolMessages.Ack();

	private final Map<String, Route<?>> routes;

	private final MessageCodec codec;

	HandlerDispatcher(List<MessageHandler<?>> handlers, MessageCodec codec, Validator validator) {
		Map<String, Route<?>> byType = new HashMap<>();
		for (MessageHandler<?> handler : handlers) {
			Route<?> previous = byType.put(handler.type(), new Route<>(handler, codec, validator));
			if (previous != null) {
				throw new IllegalStateException("Two handlers for type '" + handler.type() + "': "
						+ previous.handler.getClass().getName() + " and " + handler.getClass().getName());
			}
		}
		this.routes = Map.copyOf(byType);
		this.codec = codec;
	}

	@Override
	public Set<String> types() {
		return this.routes.keySet();
	}

	@Override
	public void dispatch(ClientSession session, InboundMessage message) {
		if (message.hasInvalidId()) {
			error(session, null, ErrorCode.INVALID_MESSAGE,
					"field 'id' must be a string of 1 to " + InboundMessage.MAX_ID_LENGTH + " characters");
			return;
		}
		String id = message.id();
		String type = message.type();
		if (type == null || type.isEmpty()) {
			error(session, id, ErrorCode.INVALID_MESSAGE, "field 'type' is required and must be a string");
			return;
		}
		Route<?> route = this.routes.get(type);
		if (route == null) {
			error(session, id, ErrorCode.UNKNOWN_TYPE, "no handler for type '" + printable(type) + "'");
			return;
		}
		route.dispatch(session, message, id);
	}

	@Override
	public void refuse(ClientSession session, String id, ErrorCode code, String reason) {
		error(session, id, code, reason);
	}

	private void error(ClientSession session, String id, ErrorCode code, String message) {
		session.send(this.codec.error(id, code, message));
	}

	private static String printable(String type) {
		String shortened = (type.length() > MAX_ECHOED_TYPE_LENGTH) ? type.substring(0, MAX_ECHOED_TYPE_LENGTH) + "..."
				: type;
		return shortened.replaceAll("\\p{Cntrl}", "?");
	}

	/** One handler with what was decided once for its record: how to bind it and how to validate it. */
	private final class Route<T> {

		private final MessageHandler<T> handler;

		private final RequestReader<T> reader;

		private final RecordValidation<T> validation;

		Route(MessageHandler<T> handler, MessageCodec codec, Validator validator) {
			this.handler = handler;
			this.reader = codec.readerFor(handler.messageClass());
			this.validation = new RecordValidation<>(validator, handler.messageClass());
		}

		void dispatch(ClientSession session, InboundMessage message, String id) {
			T bound;
			try {
				bound = this.reader.read(message);
			}
			catch (JacksonException ex) {
				error(session, id, ErrorCode.INVALID_MESSAGE, describe(ex));
				return;
			}
			Set<ConstraintViolation<T>> violations = this.validation.validate(bound);
			if (!violations.isEmpty()) {
				error(session, id, ErrorCode.INVALID_MESSAGE, describe(violations));
				return;
			}
			CompletionStage<ServerMessage> reply;
			try {
				reply = this.handler.handle(session, bound);
			}
			catch (RuntimeException ex) {
				replyFailed(session, id, ex);
				return;
			}
			if (reply == MessageHandler.NO_REPLY) {
				if (id != null) {
					session.send(HandlerDispatcher.this.codec.encode(ACK, id));
				}
				return;
			}
			reply.whenComplete((result, failure) -> {
				if (failure != null) {
					replyFailed(session, id, failure);
				}
				else if (result instanceof FollowedReply followed) {
					session.send(HandlerDispatcher.this.codec.encode(followed.reply(), id));
					followed.then().run();
				}
				else if (result != null) {
					session.send(HandlerDispatcher.this.codec.encode(result, id));
				}
				else if (id != null) {
					session.send(HandlerDispatcher.this.codec.encode(ACK, id));
				}
			});
		}

		private void replyFailed(ClientSession session, String id, Throwable failure) {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			if (cause instanceof GatewayException gatewayException) {
				error(session, id, gatewayException.code(), gatewayException.getMessage());
				return;
			}
			logger.error("Handler for '{}' failed on connection {} of user {}", this.handler.type(), session.id(),
					session.userId(), cause);
			error(session, id, ErrorCode.INTERNAL_ERROR, "internal error, connection " + session.id());
		}

	}

	private static String describe(JacksonException ex) {
		String field = ex.getPath()
			.stream()
			.map((reference) -> (reference.getPropertyName() != null) ? reference.getPropertyName()
					: "[" + reference.getIndex() + "]")
			.collect(Collectors.joining("."));
		return field.isEmpty() ? "message does not have the expected fields"
				: "field '" + field + "' has the wrong type";
	}

	private static <T> String describe(Set<ConstraintViolation<T>> violations) {
		return violations.stream()
			.map((violation) -> "field '" + violation.getPropertyPath() + "' " + violation.getMessage())
			.sorted()
			.collect(Collectors.joining("; "));
	}

}
