package io.wsgateway.tracing;

/**
 * The W3C Trace Context {@code traceparent} format
 * ({@code version-traceid-parentid-flags}, lower-case hex), checked before a client's
 * value is trusted as a span's parent.
 */
final class TraceParent {

	/** The header and envelope field name. */
	static final String FIELD = "traceparent";

	private static final int LENGTH = 55;

	private static final int TRACE_ID_START = 3;

	private static final int SPAN_ID_START = 36;

	private static final int FLAGS_START = 53;

	private TraceParent() {
	}

	/**
	 * Returns whether {@code value} is a valid {@code traceparent}: version {@code 00} of
	 * exactly 55 characters, or a later version (not {@code ff}) that starts with the same
	 * four parts; trace id and parent id not all zeros.
	 */
	static boolean isValid(String value) {
		if (value.length() < LENGTH || !hex(value, 0, 2) || value.startsWith("ff")) {
			return false;
		}
		boolean version00 = value.startsWith("00");
		if ((version00 && value.length() != LENGTH) || (!version00 && value.length() > LENGTH
				&& value.charAt(LENGTH) != '-')) {
			return false;
		}
		return value.charAt(2) == '-' && value.charAt(SPAN_ID_START - 1) == '-' && value.charAt(FLAGS_START - 1) == '-'
				&& hex(value, TRACE_ID_START, SPAN_ID_START - 1) && !zeros(value, TRACE_ID_START, SPAN_ID_START - 1)
				&& hex(value, SPAN_ID_START, FLAGS_START - 1) && !zeros(value, SPAN_ID_START, FLAGS_START - 1)
				&& hex(value, FLAGS_START, LENGTH);
	}

	private static boolean hex(String value, int from, int to) {
		for (int i = from; i < to; i++) {
			char c = value.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				return false;
			}
		}
		return true;
	}

	private static boolean zeros(String value, int from, int to) {
		for (int i = from; i < to; i++) {
			if (value.charAt(i) != '0') {
				return false;
			}
		}
		return true;
	}

}
