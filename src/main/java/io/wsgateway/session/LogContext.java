package io.wsgateway.session;

import org.slf4j.MDC;

/**
 * Puts a connection's id and user id into the logging context (MDC keys
 * {@code connectionId} and {@code userId}) for the work done on its behalf, so every log
 * line about a connection names it, in plain and structured logs alike. Never the token.
 */
public final class LogContext implements AutoCloseable {

	/** MDC key of the connection id. */
	public static final String CONNECTION_ID = "connectionId";

	/** MDC key of the user id. */
	public static final String USER_ID = "userId";

	private LogContext() {
	}

	/** Sets the context for this session until {@link #close()}. */
	public static LogContext of(ClientSession session) {
		MDC.put(CONNECTION_ID, session.id());
		MDC.put(USER_ID, session.userId());
		return new LogContext();
	}

	@Override
	public void close() {
		MDC.remove(CONNECTION_ID);
		MDC.remove(USER_ID);
	}

}
