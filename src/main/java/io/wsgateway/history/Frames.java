package io.wsgateway.history;

/**
 * The offset and epoch on a client frame's text. The codec writes every frame as one JSON
 * object starting with its {@code type}, so both can be added before its last brace, and
 * the type removed after its first, without parsing the frame again.
 */
final class Frames {

	private Frames() {
	}

	/** Returns the frame with {@code offset} and {@code epoch} added as its last fields. */
	static String stamped(String frame, long offset, String epoch) {
		int end = frame.lastIndexOf('}');
		return new StringBuilder(end + 48).append(frame, 0, end)
			.append(",\"offset\":")
			.append(offset)
			.append(",\"epoch\":\"")
			.append(epoch)
			.append("\"}")
			.toString();
	}

	/** Returns the frame without its leading {@code "type":"…",} (a {@code history} reply's messages). */
	static String withoutType(String frame, String type) {
		String prefix = "{\"type\":\"" + type + "\",";
		return frame.startsWith(prefix) ? "{" + frame.substring(prefix.length()) : frame;
	}

}
