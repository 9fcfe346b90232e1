package io.wsgateway.session;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a whole text message's UTF-8 and refuses malformed input, as RFC 6455 requires
 * (overlong forms, encoded surrogates and code points above U+10FFFF included).
 *
 * <p>Jetty's message sink decodes byte by byte into a builder it allocates for every
 * message at the input buffer's size, 4 KB: more than a third of the server's allocation in
 * the echo benchmark. Client messages are JSON and mostly ASCII: the bytes are copied out of
 * the frame once, checked for ASCII and made into a string; anything else goes through the
 * JDK's strict decoder.
 */
final class StrictUtf8 {

	private StrictUtf8() {
	}

	/**
	 * Returns the text of the buffer's remaining bytes, leaving its position unchanged.
	 * @throws CharacterCodingException if the bytes are not well-formed UTF-8
	 */
	static String decode(ByteBuffer utf8) throws CharacterCodingException {
		byte[] bytes = new byte[utf8.remaining()];
		utf8.get(utf8.position(), bytes);
		for (byte b : bytes) {
			if (b < 0) {
				return StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(bytes))
					.toString();
			}
		}
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

}
