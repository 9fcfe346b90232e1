package io.wsgateway.protocol;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What each way of keeping one message from corrupting the parser's shared name table
 * costs per message (docs/decisions.md, issue 24): the factory's defaults (the shared,
 * canonicalizing table that the collision payload corrupts), no canonicalization, the
 * table kept but without the collision check that leaves it inconsistent, and a new
 * factory, so a new table, per message. Each parses a client message into a tree.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParserBenchmark {

	@Param({ "echo", "join_room", "chat" })
	public String message;

	private String text;

	private JsonMapper shared;

	private JsonMapper notCanonical;

	private JsonMapper noOverflowCheck;

	@Setup
	public void setUp() {
		this.text = switch (this.message) {
			case "echo" -> RouterBenchmark.ECHO;
			case "join_room" -> "{\"type\":\"join_room\",\"id\":\"c-18\",\"room\":\"lobby-7\",\"presence\":true}";
			default -> "{\"type\":\"chat_message\",\"id\":\"c-19\",\"clanId\":\"clan-42\",\"text\":\"gg, see you at 9\","
					+ "\"clientMessageId\":\"5f0c2a\",\"replyTo\":null}";
		};
		this.shared = JsonMapper.builder().build();
		this.notCanonical = JsonMapper
			.builder(JsonFactory.builder().disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES).build())
			.build();
		this.noOverflowCheck = JsonMapper
			.builder(JsonFactory.builder().disable(TokenStreamFactory.Feature.FAIL_ON_SYMBOL_HASH_OVERFLOW).build())
			.build();
	}

	@Benchmark
	public JsonNode sharedTable() {
		return this.shared.readTree(this.text);
	}

	@Benchmark
	public JsonNode noCanonicalization() {
		return this.notCanonical.readTree(this.text);
	}

	@Benchmark
	public JsonNode sharedTableWithoutOverflowCheck() {
		return this.noOverflowCheck.readTree(this.text);
	}

	@Benchmark
	public JsonNode factoryPerMessage() {
		try (JsonParser parser = new JsonFactory().createParser(this.text)) {
			return this.shared.readTree(parser);
		}
	}

}
