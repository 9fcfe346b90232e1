package io.wsgateway.protocol;

import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MessageCodecTests {

	private final MessageCodec codec = new MessageCodec();

	@Test
	void collidingNamesLeaveNoStateThatBreaksLaterMessages() {
		for (int i = 0; i < 3; i++) {
			parseOrRefuse("{\"type\":\"echo\",\"payload\":" + Wire.collidingNames() + "}");
			parseOrRefuse(Wire.collidingNames());
		}
		for (int i = 0; i < 5000; i++) {
			JsonNode message = this.codec.parse("{\"type\":\"echo\",\"f" + i + "\":" + i + ",\"g" + i + "\":1}");
			assertThat(message.get("f" + i).asInt()).isEqualTo(i);
		}
	}

	private void parseOrRefuse(String text) {
		try {
			this.codec.parse(text);
		}
		catch (JacksonException ex) {
			// refusing it is fine too: what counts is that later messages parse
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "1e999999", "0.10000000000000000000000001", "-0", "1E+2", "-1.50e-7",
			"123456789012345678901234567890", "[1.0, 2.50, {\"x\": 1e-999999}]", "{ \"a\" : [ ] , \"b\":{} }",
			"\"caf\\u00e9\"", "true", "null", "{\"a\":1,\"a\":2}" })
	void keepsThePayloadAsSent(String payload) {
		JsonNode message = this.codec.parse("{\"type\":\"echo\",\"payload\":" + payload + ",\"id\":\"e1\"}");
		String echoed = this.codec.mapper().writeValueAsString(message.get("payload"));
		if (payload.startsWith("\"")) {
			assertThat(echoed).isEqualTo("\"café\"");
		}
		else {
			assertThat(echoed).isEqualTo(payload);
		}
		assertThat(message.get("id").asString()).isEqualTo("e1");
	}

	@Test
	void keepsALargePayloadWhoseTextSpansTheParsersBuffers() {
		String payload = "[" + "0.1000000000000000000001, ".repeat(20_000) + "1e999999]";
		JsonNode message = this.codec.parse("  {\"type\":\"echo\",   \"payload\":  " + payload + "  }  ");
		assertThat(this.codec.mapper().writeValueAsString(message.get("payload"))).isEqualTo(payload);
	}

	@Test
	void readsTheOtherFieldsAsATree() {
		JsonNode message = this.codec.parse("{\"type\":\"history\",\"limit\":20,\"flag\":false,\"x\":null,\"o\":{\"a\":[1]}}");
		assertThat(message.get("limit").isInt()).isTrue();
		assertThat(message.get("flag").isBoolean()).isTrue();
		assertThat(message.get("x").isNull()).isTrue();
		assertThat(message.get("o").get("a").get(0).asInt()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"type\":\"echo\",\"payload\":[1,}", "{\"payload\":{\"a\":1}} {}", "{\"payload\":1}x",
			"{\"payload\":{\"a\":\"\u0001\"}}", "{\"payload\":[1 2]}", "{\"type\":\"echo\"", "{\"payload\":01}" })
	void refusesInvalidJsonInsideOrAfterThePayload(String text) {
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.codec.parse(text));
	}

	@Test
	void refusesNestingBeyondTheParsersDepthLimitInThePayload() {
		String deep = "[".repeat(100_000) + "]".repeat(100_000);
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> this.codec.parse("{\"type\":\"echo\",\"payload\":" + deep + "}"));
	}

	@Test
	void parsesTextThatIsNotAnObjectAsBefore() {
		assertThat(this.codec.parse("[1,2]").isArray()).isTrue();
		assertThat(this.codec.parse("  ").isMissingNode()).isTrue();
	}

}
