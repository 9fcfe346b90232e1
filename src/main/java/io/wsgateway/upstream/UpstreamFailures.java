package io.wsgateway.upstream;

import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;

/** Reads why a connection attempt to an upstream target failed. */
final class UpstreamFailures {

	private static final int MAX_DEPTH = 10;

	private UpstreamFailures() {
	}

	/**
	 * Returns the HTTP status with which the target refused the WebSocket handshake, or 0
	 * when it did not answer with a status at all (refused connection, timeout, TLS ...).
	 */
	static int refusalStatus(Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
			if (cause instanceof UpgradeException upgrade && upgrade.getResponseStatusCode() > 0) {
				return upgrade.getResponseStatusCode();
			}
			if (cause instanceof org.eclipse.jetty.websocket.core.exception.UpgradeException upgrade
					&& upgrade.getResponseStatusCode() > 0) {
				return upgrade.getResponseStatusCode();
			}
		}
		return 0;
	}

	/** Returns a one-line description for logs and {@code /actuator/websocket}; never sent to clients. */
	static String describe(Throwable failure) {
		int status = refusalStatus(failure);
		if (status > 0) {
			return "handshake answered with HTTP " + status;
		}
		Throwable root = failure;
		for (int depth = 0; root.getCause() != null && depth < MAX_DEPTH; depth++) {
			if (root instanceof TimeoutException) {
				break;
			}
			root = root.getCause();
		}
		if (root instanceof TimeoutException) {
			return "timed out";
		}
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

}
