package io.wsgateway.protocol;

/**
 * Thrown by a handler (or used to complete its reply exceptionally) to answer the sender
 * with an {@code error} frame of the given code. Its message is sent to the client.
 */
public class GatewayException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final ErrorCode code;

	public GatewayException(ErrorCode code, String message) {
		super(message, null, false, false);
		this.code = code;
	}

	/** Returns the error code. */
	public ErrorCode code() {
		return this.code;
	}

}
