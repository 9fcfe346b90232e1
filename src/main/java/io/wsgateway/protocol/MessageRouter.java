package io.wsgateway.protocol;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.GatewayCloseStatus;
import io.wsgateway.session.InboundMessageHandler;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.WebSocketProperties;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;

import org.springframework.stereotype.Component;

/**
 * Turns each text frame into exactly the handling the protocol promises: rate limit, read
 * the message once, then the {@link MessageDispatcher} (the handlers behind their envelope
 * checks, wrapped by every {@link MessageDispatcherDecorator}), which sends the sender one
 * reply carrying its {@code id}: the result, an {@code ack}, or an {@code error}. No
 * failure here closes the connection, except ten rate-limit violations in a row (4008).
 */
@Component
public class MessageRouter implements InboundMessageHandler {

	private final MessageDispatcher dispatcher;

	private final MessageCodec codec;

	private final LimitsProperties limits;

	private final long heartbeatIntervalMs;

	private final Supplier<RateState> newRateState;

	/**
	 * @param decorators applied around the handlers, the first one outermost
	 */
	MessageRouter(List<MessageHandler<?>> handlers, MessageCodec codec, Validator validator,
			List<MessageDispatcherDecorator> decorators, LimitsProperties limits, WebSocketProperties webSocket) {
		MessageDispatcher dispatcher = new HandlerDispatcher(handlers, codec, validator);
		for (int i = decorators.size() - 1; i >= 0; i--) {
			dispatcher = decorators.get(i).decorate(dispatcher);
		}
		this.dispatcher = dispatcher;
		this.codec = codec;
		this.limits = limits;
		this.heartbeatIntervalMs = webSocket.heartbeatInterval().toMillis();
		int perSecond = limits.messagesPerSecond();
		this.newRateState = () -> new RateState(perSecond);
	}

	/** Returns the message types that have a handler. */
	public Set<String> types() {
		return this.dispatcher.types();
	}

	@Override
	public OutboundFrame connectedFrame(ClientSession session) {
		return this.codec.connected(session.id(), session.userId(), this.heartbeatIntervalMs,
				session.identity().expiresAt());
	}

	@Override
	public void onMessage(ClientSession session, String text) {
		RateState rate = session.rateLimiter(this.newRateState);
		if (!rate.tryConsume()) {
			rejectOverLimit(session, text, rate);
			return;
		}
		rate.violations = 0;
		InboundMessage message;
		try {
			message = this.codec.read(text);
		}
		catch (JacksonException ex) {
			this.dispatcher.refuse(session, null, ErrorCode.BAD_JSON, "message is not valid JSON");
			return;
		}
		if (!message.isObject()) {
			this.dispatcher.refuse(session, null, ErrorCode.INVALID_MESSAGE, "message must be a JSON object");
			return;
		}
		this.dispatcher.dispatch(session, message);
	}

	@Override
	public void onPing(ClientSession session) {
		RateState rate = session.rateLimiter(this.newRateState);
		if (rate.tryConsume()) {
			rate.violations = 0;
		}
		else if (++rate.violations >= this.limits.maxViolations()) {
			session.close(GatewayCloseStatus.RATE_LIMITED);
		}
	}

	private void rejectOverLimit(ClientSession session, String text, RateState rate) {
		rate.violations++;
		String id = null;
		try {
			String sent = this.codec.read(text).string("id");
			if (sent != null && sent.length() <= InboundMessage.MAX_ID_LENGTH) {
				id = sent;
			}
		}
		catch (JacksonException ex) {
			// the error goes out without an id
		}
		this.dispatcher.refuse(session, id, ErrorCode.RATE_LIMITED,
				"more than " + this.limits.messagesPerSecond() + " messages per second");
		if (rate.violations >= this.limits.maxViolations()) {
			session.close(GatewayCloseStatus.RATE_LIMITED);
		}
	}

	/**
	 * Per-connection rate state; touched only on the connection's inbound thread, so its
	 * bucket needs no synchronization: Bucket4j's default, lock-free, allocates a new state
	 * object on every message.
	 */
	private static final class RateState {

		private final Bucket bucket;

		private int violations;

		RateState(int perSecond) {
			this.bucket = Bucket.builder()
				.addLimit((limit) -> limit.capacity(2L * perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
				.withSynchronizationStrategy(SynchronizationStrategy.NONE)
				.build();
		}

		boolean tryConsume() {
			return this.bucket.tryConsume(1);
		}

	}

}
