package io.wsgateway.session;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class StrictUtf8Tests {

	@Test
	void decodesAsciiWithoutMovingTheBuffer() throws CharacterCodingException {
		ByteBuffer buffer = ByteBuffer.allocateDirect(32);
		buffer.put("xx{\"type\":\"ping\"}".getBytes(StandardCharsets.US_ASCII)).flip().position(2);
		assertThat(StrictUtf8.decode(buffer)).isEqualTo("{\"type\":\"ping\"}");
		assertThat(buffer.position()).isEqualTo(2);
	}

	@ParameterizedTest
	@ValueSource(strings = { "é", "ß and 日本語", "emoji \uD83D\uDE00", "\u007F\u0080\u07FF\u0800\uFFFF" })
	void decodesEveryWellFormedSequence(String text) throws CharacterCodingException {
		assertThat(StrictUtf8.decode(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)))).isEqualTo(text);
	}

	@Test
	void decodesAnEmptyMessage() throws CharacterCodingException {
		assertThat(StrictUtf8.decode(ByteBuffer.allocate(0))).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = {
			"C328", // a lead byte followed by no continuation
			"80", // a continuation byte alone
			"C080", // overlong NUL
			"E08080", // overlong 3-byte form
			"EDA080", // an encoded surrogate (U+D800)
			"F4908080", // above U+10FFFF
			"E282", // truncated at the end
			"FF" })
	void refusesMalformedInput(String hex) {
		byte[] bytes = new byte[hex.length() / 2];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
		}
		assertThatExceptionOfType(CharacterCodingException.class)
			.isThrownBy(() -> StrictUtf8.decode(ByteBuffer.wrap(bytes)));
	}

}
