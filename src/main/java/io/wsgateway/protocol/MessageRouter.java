package io.wsgateway.protocol;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import io.github.bucket4j.Bucket;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.GatewayCloseStatus;
import io.wsgateway.session.InboundMessageHandler;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.WebSocketProperties;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Turns each text frame into exactly the handling the protocol promises: rate limit,
 * parse, check the envelope, find the handler by {@code type}, bind and validate the
 * record, call the handler, and send the sender one reply carrying its {@code id}: the
 * result, an {@code ack}, or an {@code error}. No failure here closes the connection,
 * except ten rate-limit violations in a row (4008).
 */
@Component
public class MessageRouter implements InboundMessageHandler {

	private static final Logger logger = LoggerFactory.getLogger(MessageRouter.class);

	static final int MAX_ID_LENGTH = 64;

	private static final int MAX_ECHOED_TYPE_LENGTH = 64;

	private final Map<String, MessageHandler<?>> handlers;

	private final MessageCodec codec;

	private final Validator validator;

	private final GatewayMetrics metrics;

	private final LimitsProperties limits;

	private final long heartbeatIntervalMs;

	MessageRouter(List<MessageHandler<?>> handlers, MessageCodec codec, Validator validator, GatewayMetrics metrics,
			LimitsProperties limits, WebSocketProperties webSocket) {
		Map<String, MessageHandler<?>> byType = new HashMap<>();
		for (MessageHandler<?> handler : handlers) {
			MessageHandler<?> previous = byType.put(handler.type(), handler);
			if (previous != null) {
				throw new IllegalStateException("Two handlers for type '" + handler.type() + "': "
						+ previous.getClass().getName() + " and " + handler.getClass().getName());
			}
		}
		this.handlers = Map.copyOf(byType);
		this.codec = codec;
		this.validator = validator;
		this.metrics = metrics;
		this.limits = limits;
		this.heartbeatIntervalMs = webSocket.heartbeatInterval().toMillis();
		metrics.knownInboundTypes(this.handlers.keySet());
	}

	/** Returns the message types that have a handler. */
	public Set<String> types() {
		return this.handlers.keySet();
	}

	@Override
	public OutboundFrame connectedFrame(ClientSession session) {
		return this.codec.encode(new ProtocolMessages.Connected(session.id(), session.userId(),
				"Connected to websocket-gateway", this.heartbeatIntervalMs, session.identity().expiresAt()));
	}

	@Override
	public void onMessage(ClientSession session, String text) {
		RateState rate = session.rateLimiter(this::newRateState);
		if (!rate.bucket.tryConsume(1)) {
			rejectOverLimit(session, text, rate);
			return;
		}
		rate.violations = 0;
		JsonNode message;
		try {
			message = this.codec.parse(text);
		}
		catch (JacksonException ex) {
			this.metrics.messageIn(null);
			error(session, null, ErrorCode.BAD_JSON, "message is not valid JSON");
			return;
		}
		route(session, message);
	}

	@Override
	public void onPing(ClientSession session) {
		RateState rate = session.rateLimiter(this::newRateState);
		if (rate.bucket.tryConsume(1)) {
			rate.violations = 0;
		}
		else if (++rate.violations >= this.limits.maxViolations()) {
			session.close(GatewayCloseStatus.RATE_LIMITED);
		}
	}

	private void route(ClientSession session, JsonNode message) {
		if (!message.isObject()) {
			this.metrics.messageIn(null);
			error(session, null, ErrorCode.INVALID_MESSAGE, "message must be a JSON object");
			return;
		}
		JsonNode idNode = message.get("id");
		JsonNode typeNode = message.get("type");
		String type = (typeNode != null && typeNode.isString()) ? typeNode.asString() : null;
		MessageHandler<?> handler = (type != null) ? this.handlers.get(type) : null;
		this.metrics.messageIn((handler != null) ? type : null);
		String id = null;
		if (idNode != null && !idNode.isNull()) {
			if (!idNode.isString() || idNode.asString().isEmpty() || idNode.asString().length() > MAX_ID_LENGTH) {
				error(session, null, ErrorCode.INVALID_MESSAGE,
						"field 'id' must be a string of 1 to " + MAX_ID_LENGTH + " characters");
				return;
			}
			id = idNode.asString();
		}
		if (type == null || type.isEmpty()) {
			error(session, id, ErrorCode.INVALID_MESSAGE, "field 'type' is required and must be a string");
			return;
		}
		if (handler == null) {
			error(session, id, ErrorCode.UNKNOWN_TYPE, "no handler for type '" + printable(type) + "'");
			return;
		}
		long start = System.nanoTime();
		dispatch(session, handler, message, id);
		this.metrics.handled(type, System.nanoTime() - start);
	}

	private <T> void dispatch(ClientSession session, MessageHandler<T> handler, JsonNode message, String id) {
		T bound;
		try {
			bound = this.codec.bind(message, handler.messageClass());
		}
		catch (JacksonException ex) {
			error(session, id, ErrorCode.INVALID_MESSAGE, describe(ex));
			return;
		}
		Set<ConstraintViolation<T>> violations = this.validator.validate(bound);
		if (!violations.isEmpty()) {
			error(session, id, ErrorCode.INVALID_MESSAGE, describe(violations));
			return;
		}
		CompletionStage<ServerMessage> reply;
		try {
			reply = handler.handle(session, bound);
		}
		catch (RuntimeException ex) {
			replyFailed(session, handler.type(), id, ex);
			return;
		}
		reply.whenComplete((result, failure) -> {
			if (failure != null) {
				replyFailed(session, handler.type(), id, failure);
			}
			else if (result instanceof FollowedReply followed) {
				session.send(this.codec.encode(followed.reply(), id));
				followed.then().run();
			}
			else if (result != null) {
				session.send(this.codec.encode(result, id));
			}
			else if (id != null) {
				session.send(this.codec.encode(new ProtocolMessages.Ack(), id));
			}
		});
	}

	private void replyFailed(ClientSession session, String type, String id, Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof GatewayException gatewayException) {
			error(session, id, gatewayException.code(), gatewayException.getMessage());
			return;
		}
		logger.error("Handler for '{}' failed on connection {} of user {}", type, session.id(), session.userId(),
				cause);
		error(session, id, ErrorCode.INTERNAL_ERROR, "internal error, connection " + session.id());
	}

	private void rejectOverLimit(ClientSession session, String text, RateState rate) {
		rate.violations++;
		this.metrics.messageIn(null);
		String id = null;
		try {
			JsonNode idNode = this.codec.parse(text).get("id");
			if (idNode != null && idNode.isString() && idNode.asString().length() <= MAX_ID_LENGTH) {
				id = idNode.asString();
			}
		}
		catch (JacksonException | UnsupportedOperationException ex) {
			// the error goes out without an id
		}
		error(session, id, ErrorCode.RATE_LIMITED,
				"more than " + this.limits.messagesPerSecond() + " messages per second");
		if (rate.violations >= this.limits.maxViolations()) {
			session.close(GatewayCloseStatus.RATE_LIMITED);
		}
	}

	private void error(ClientSession session, String id, ErrorCode code, String message) {
		session.send(this.codec.error(id, code, message));
	}

	private RateState newRateState() {
		int perSecond = this.limits.messagesPerSecond();
		return new RateState(Bucket.builder()
			.addLimit((limit) -> limit.capacity(2L * perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
			.build());
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

	private static String printable(String type) {
		String shortened = (type.length() > MAX_ECHOED_TYPE_LENGTH) ? type.substring(0, MAX_ECHOED_TYPE_LENGTH) + "..."
				: type;
		return shortened.replaceAll("\\p{Cntrl}", "?");
	}

	/** Per-connection rate state; touched only on the connection's inbound thread. */
	private static final class RateState {

		private final Bucket bucket;

		private int violations;

		RateState(Bucket bucket) {
			this.bucket = bucket;
		}

	}

}
