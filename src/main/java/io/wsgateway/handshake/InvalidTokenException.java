package io.wsgateway.handshake;

/**
 * Thrown when a token is missing its signature, badly signed, expired, not yet valid, or
 * lacks a subject. Its message is for logs at debug level only and never reaches clients.
 */
public class InvalidTokenException extends Exception {

	private static final long serialVersionUID = 1L;

	InvalidTokenException(String message, Throwable cause) {
		super(message, cause);
	}

}
