package io.wsgateway.session;

import org.springframework.web.socket.CloseStatus;

/**
 * One serialized server-to-client text message. A fan-out creates one frame and hands the
 * same instance to every target session, so the JSON is encoded once however many
 * sessions receive it.
 */
public final class OutboundFrame {

	static final OutboundFrame PING = new OutboundFrame(null, 0, null, null);

	private final String text;

	private final int size;

	private final String type;

	private final CloseStatus closeStatus;

	private OutboundFrame(String text, int size, String type, CloseStatus closeStatus) {
		this.text = text;
		this.size = size;
		this.type = type;
		this.closeStatus = closeStatus;
	}

	/**
	 * Returns a frame for a server message.
	 * @param text the JSON text
	 * @param type the message's {@code type}, for metrics
	 */
	public static OutboundFrame of(String text, String type) {
		return new OutboundFrame(text, utf8Length(text), type, null);
	}

	/** A close frame queued behind the frames sent before it, so that they arrive first. */
	static OutboundFrame close(CloseStatus status) {
		return new OutboundFrame(null, 0, null, status);
	}

	/** Returns the JSON text, or {@code null} for a WebSocket ping. */
	public String text() {
		return this.text;
	}

	/** Returns the size of the text in UTF-8 bytes, the unit of {@code send-buffer-limit}. */
	public int size() {
		return this.size;
	}

	/** Returns the message's {@code type}. */
	public String type() {
		return this.type;
	}

	boolean isPing() {
		return this == PING;
	}

	CloseStatus closeStatus() {
		return this.closeStatus;
	}

	// Counting instead of encoding: the frame may go to thousands of sessions and Jetty encodes it anyway.
	static int utf8Length(CharSequence text) {
		int length = text.length();
		int bytes = length;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c >= 0x80) {
				if (c < 0x800) {
					bytes++;
				}
				else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
					bytes += 2;
					i++;
				}
				else {
					bytes += 2;
				}
			}
		}
		return bytes;
	}

}
