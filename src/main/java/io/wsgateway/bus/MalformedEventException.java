package io.wsgateway.bus;

/** Thrown by a {@link BusEventListener} for an event from a backend that it cannot read. */
public class MalformedEventException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public MalformedEventException(String message) {
		super(message, null, false, false);
	}

}
