package io.wsgateway.session;

import java.nio.charset.StandardCharsets;

import org.springframework.web.socket.CloseStatus;

/**
 * One serialized server-to-client text message. A fan-out creates one frame and hands the
 * same instance to every target session, so the JSON is encoded once however many
 * sessions receive it.
 */
public final class OutboundFrame {

	static final OutboundFrame PING = new OutboundFrame(null, 0, null, null);

	// Queued in place of a pong: the pong itself waits in the session's one pending-pong slot,
	// so that a newer ping replaces it there instead of queueing a second one.
	static final OutboundFrame PONG_DUE = new OutboundFrame(null, 0, null, null);

	private final String text;

	private final int size;

	private final String type;

	private final CloseStatus closeStatus;

	// Encoded on the first send and shared by every session the frame goes to: a fan-out to
	// 2,000 members encodes and allocates the bytes once, not 2,000 times. Volatile, so that a
	// session on another thread sees the array's contents, not only the reference.
	private volatile byte[] utf8;

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

	/**
	 * A pong answering a ping with this payload (at most 125 bytes, copied by the caller),
	 * counted against {@code send-buffer-limit} by its payload's size.
	 */
	static OutboundFrame pong(byte[] payload) {
		OutboundFrame pong = new OutboundFrame(null, payload.length, null, null);
		pong.utf8 = payload;
		return pong;
	}

	/** A close frame queued behind the frames sent before it, so that they arrive first. */
	static OutboundFrame close(CloseStatus status) {
		return new OutboundFrame(null, 0, null, status);
	}

	/** Returns the JSON text, or {@code null} for a WebSocket control frame. */
	public String text() {
		return this.text;
	}

	/**
	 * Returns the text as UTF-8, encoded on the first call and the same array afterwards,
	 * or a pong's payload. The caller must not change it.
	 */
	byte[] utf8() {
		byte[] bytes = this.utf8;
		if (bytes == null) {
			bytes = this.text.getBytes(StandardCharsets.UTF_8);
			this.utf8 = bytes;
		}
		return bytes;
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

	/** Returns whether this is a WebSocket control frame (a ping, pong or close), not a message. */
	boolean isControl() {
		return this.text == null;
	}

	CloseStatus closeStatus() {
		return this.closeStatus;
	}

	// Counting instead of encoding: a frame that is only published to the bus is never encoded.
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
