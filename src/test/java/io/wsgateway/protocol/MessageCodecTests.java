package io.wsgateway.protocol;

import java.time.Instant;

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

	record Request(String room, Boolean presence, JsonNode payload, JsonNode extra) {
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"type\":\"t\"}", "{\"room\":\"lobby\",\"presence\":true,\"payload\":{\"n\":1}}",
			"{\"room\":null,\"presence\":null,\"payload\":null,\"extra\":null}", "{\"room\":12}",
			"{\"room\":true}", "{\"room\":{\"a\":1}}", "{\"room\":[\"a\"]}", "{\"presence\":\"true\"}",
			"{\"presence\":1}", "{\"presence\":0}", "{\"presence\":[true]}", "{\"payload\":1e999999}",
			"{\"payload\":\"x\",\"payload\":[1, 2]}", "{\"extra\":[1.50, {\"b\":null}]}", "{\"extra\":-0}",
			"{\"extra\":\"caf\\u00e9\"}", "{\"room\":\"a\",\"room\":\"b\",\"unknown\":{\"deep\":[1,2,{}]}}" })
	void bindsARequestInOnePassAsTheTreeAndTheMapperWould(String text) {
		Request viaTree = null;
		JacksonException treeFailure = null;
		try {
			viaTree = this.codec.bind(this.codec.parse(text), Request.class);
		}
		catch (JacksonException ex) {
			treeFailure = ex;
		}
		RequestReader<Request> reader = this.codec.readerFor(Request.class);
		if (treeFailure != null) {
			JacksonException expected = treeFailure;
			assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> reader.read(this.codec.read(text)))
				.satisfies((ex) -> assertThat(ex.getPath()).hasToString(expected.getPath().toString()));
		}
		else {
			assertThat(reader.read(this.codec.read(text))).isEqualTo(viaTree);
		}
	}

	@Test
	void readsTheEnvelopeOfTheLastOccurrence() {
		InboundMessage message = this.codec
			.read("{\"type\":1,\"id\":\"a\",\"traceparent\":\"t\",\"type\":\"echo\",\"id\":null}");
		assertThat(message.type()).isEqualTo("echo");
		assertThat(message.id()).isNull();
		assertThat(message.hasInvalidId()).isFalse();
		assertThat(message.traceParent()).isEqualTo("t");
		assertThat(this.codec.read("{\"id\":7}").hasInvalidId()).isTrue();
		assertThat(this.codec.read("{\"id\":\"\"}").hasInvalidId()).isTrue();
		assertThat(this.codec.read("[1]").isObject()).isFalse();
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.codec.read("{\"a\":1} x"));
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.codec.read("[1] x"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "alice", "al\"ice\\", "caf\u00e9 \u2028 \ud83d\ude00", "tab\there\u0001" })
	void writesTheConnectedFrameAsTheMapperWould(String userId) {
		for (Instant expiresAt : new Instant[] { null, Instant.parse("2026-12-03T15:00:00Z"),
				Instant.parse("2026-12-03T15:00:00.123456789Z") }) {
			String expected = this.codec
				.encode(new ProtocolMessages.Connected("c-1\"", userId, "Connected to websocket-gateway", 30_000,
						expiresAt))
				.text();
			assertThat(this.codec.connected("c-1\"", userId, 30_000, expiresAt).text()).isEqualTo(expected);
		}
	}

}
