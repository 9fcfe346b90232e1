package io.wsgateway.protocol;

/** The form of room names and clan ids. */
public final class Identifiers {

	/** 1 to 128 characters of {@code [A-Za-z0-9._:-]}. */
	public static final String PATTERN = "[A-Za-z0-9._:-]{1,128}";

	/** The validation message for {@link #PATTERN}. */
	public static final String MESSAGE = "must be 1 to 128 characters of [A-Za-z0-9._:-]";

	private Identifiers() {
	}

}
