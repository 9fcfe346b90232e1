package io.wsgateway.session;

import org.slf4j.MDC;

/**
 * Puts a connection's id and user id into the logging context (MDC keys
 * {@code connectionId} and {@code userId}) for the work done on its behalf, so every log
 * line about a connection names it, in plain and structured logs alike. Never the token.
 * With tracing on, the span id of a message's handling goes beside them (MDC key
 * {@code spanId}, the one Micrometer Tracing uses).
 *
 * <p>The endpoint's handler chain runs in it: {@link LogContextHandlerDecorator}, its
 * outermost decorator, sets it around every call, for the endpoint and for every decorator
 * an application adds; the endpoint's failure handling outside the chain sets it itself.
 */
public final class LogContext implements AutoCloseable {

	/** MDC key of the connection id. */
	public static final String CONNECTION_ID = "connectionId";

	/** MDC key of the user id. */
	public static final String USER_ID = "userId";

	/** MDC key of the span id, the key Micrometer Tracing's log correlation uses. */
	public static final String SPAN_ID = "spanId";

	private final String previousConnectionId;

	private final String previousUserId;

	private LogContext(String previousConnectionId, String previousUserId) {
		this.previousConnectionId = previousConnectionId;
		this.previousUserId = previousUserId;
	}

	/**
	 * Sets the context for this session until {@link #close()}, which restores what was
	 * there before: one connection's work can run inside another's (a newer connection
	 * replacing an older one closes it on the newer one's thread).
	 */
	public static LogContext of(ClientSession session) {
		LogContext context = new LogContext(MDC.get(CONNECTION_ID), MDC.get(USER_ID));
		MDC.put(CONNECTION_ID, session.id());
		MDC.put(USER_ID, session.userId());
		return context;
	}

	/**
	 * Sets the span id of the work about to run until the returned context is closed,
	 * which restores what was there before. Called by tracing around a message's handling,
	 * so that its log lines name the span independently of how the tracer publishes its
	 * own scope events.
	 */
	public static SpanScope span(String spanId) {
		SpanScope scope = new SpanScope(MDC.get(SPAN_ID));
		MDC.put(SPAN_ID, spanId);
		return scope;
	}

	@Override
	public void close() {
		restore(CONNECTION_ID, this.previousConnectionId);
		restore(USER_ID, this.previousUserId);
	}

	private static void restore(String key, String value) {
		if (value != null) {
			MDC.put(key, value);
		}
		else {
			MDC.remove(key);
		}
	}

	/** The span id's place in the logging context, restored on {@link #close()}. */
	public static final class SpanScope implements AutoCloseable {

		private final String previous;

		private SpanScope(String previous) {
			this.previous = previous;
		}

		@Override
		public void close() {
			restore(SPAN_ID, this.previous);
		}

	}

}
