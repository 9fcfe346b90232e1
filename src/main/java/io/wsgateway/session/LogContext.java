package io.wsgateway.session;

import org.slf4j.MDC;

/**
 * Puts a connection's id and user id into the logging context (MDC keys
 * {@code connectionId} and {@code userId}) for the work done on its behalf, so every log
 * line about a connection names it, in plain and structured logs alike. Never the token.
 * With tracing on, Micrometer Tracing adds {@code traceId} and {@code spanId} beside them
 * while a message's span is current (io.wsgateway.tracing).
 */
public final class LogContext implements AutoCloseable {

	/** MDC key of the connection id. */
	public static final String CONNECTION_ID = "connectionId";

	/** MDC key of the user id. */
	public static final String USER_ID = "userId";

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

}
