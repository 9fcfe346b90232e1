package io.wsgateway.protocol;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgateway.ops.InboundMetering;
import io.wsgateway.ops.TestGatewayMetrics;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.TestSessions;
import io.wsgateway.session.WebSocketProperties;
import io.wsgateway.testsupport.LogCapture;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class MessageRouterTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Validator VALIDATOR = Validation.byDefaultProvider()
		.configure()
		.messageInterpolator(new ParameterMessageInterpolator())
		.buildValidatorFactory()
		.getValidator();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final FakeTransport transport = new FakeTransport();

	private final ClientSession session = TestSessions.session("alice", this.transport);

	private final AtomicInteger joins = new AtomicInteger();

	private final CompletableFuture<ServerMessage> later = new CompletableFuture<>();

	private MessageRouter router;

	// ---- handlers of a made-up protocol, one per kind of outcome -----------------------------

	record Join(@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
			message = Identifiers.MESSAGE) String room, Boolean quiet) {
	}

	record Joined(String room) implements ServerMessage {

		@Override
		public String type() {
			return "joined";
		}

	}

	record Empty() {
	}

	private MessageHandler<Join> join() {
		return handler("join", Join.class, (message) -> {
			this.joins.incrementAndGet();
			return MessageHandler.reply(new Joined(message.room()));
		});
	}

	private List<MessageHandler<?>> handlers() {
		return List.of(join(), handler("quiet", Empty.class, (message) -> MessageHandler.NO_REPLY),
				handler("boom", Empty.class, (message) -> {
					throw new IllegalStateException("kaboom with internals");
				}), handler("deny", Empty.class, (message) -> {
					throw new GatewayException(ErrorCode.FORBIDDEN, "admins only");
				}), handler("broker", Empty.class,
						(message) -> CompletableFuture
							.failedFuture(new CompletionException(new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
									"broker unavailable")))),
				handler("crash-later", Empty.class,
						(message) -> CompletableFuture.failedFuture(new IllegalStateException("async kaboom"))),
				handler("later", Empty.class, (message) -> this.later));
	}

	private static <T> MessageHandler<T> handler(String type, Class<T> messageClass,
			java.util.function.Function<T, CompletionStage<ServerMessage>> body) {
		return new MessageHandler<>() {
			@Override
			public String type() {
				return type;
			}

			@Override
			public Class<T> messageClass() {
				return messageClass;
			}

			@Override
			public CompletionStage<ServerMessage> handle(ClientSession session, T message) {
				return body.apply(message);
			}
		};
	}

	private MessageRouter router(int messagesPerSecond, int maxViolations) {
		WebSocketProperties webSocket = new WebSocketProperties("/ws", List.of(), DataSize.ofKilobytes(512),
				Duration.ofSeconds(30), Duration.ofMinutes(5), DataSize.ofMegabytes(1), Duration.ofSeconds(10), false);
		return new MessageRouter(handlers(), new MessageCodec(), VALIDATOR,
				List.of(new InboundMetering(TestGatewayMetrics.create(this.meters, TestSessions.registry()))),
				new LimitsProperties(messagesPerSecond, maxViolations, 100), webSocket);
	}

	@BeforeEach
	void setUp() {
		this.router = router(1_000, 10);
	}

	/** Sends one frame and returns the replies it caused. */
	private List<JsonNode> exchange(String text) {
		int before = this.transport.texts().size();
		this.router.onMessage(this.session, text);
		List<String> texts = this.transport.texts();
		return texts.subList(before, texts.size()).stream().map(JSON::readTree).toList();
	}

	private JsonNode single(String text) {
		List<JsonNode> replies = exchange(text);
		assertThat(replies).as("replies to %s", text).hasSize(1);
		return replies.get(0);
	}

	private static void assertError(JsonNode reply, String id, ErrorCode code) {
		assertThat(reply.get("type").asString()).isEqualTo("error");
		assertThat(reply.get("code").asString()).isEqualTo(code.code());
		assertThat(reply.get("message").asString()).isNotBlank();
		if (id == null) {
			assertThat(reply.has("id")).as("error without id: %s", reply).isFalse();
		}
		else {
			assertThat(reply.get("id").asString()).isEqualTo(id);
		}
	}

	// ---- routing and replies -------------------------------------------------------------------

	@Test
	void routesByTypeAndRepliesWithTheSameId() {
		JsonNode reply = single("{\"type\":\"join\",\"id\":\"c-17\",\"room\":\"lobby\"}");
		assertThat(reply.toString()).isEqualTo("{\"type\":\"joined\",\"id\":\"c-17\",\"room\":\"lobby\"}");
		assertThat(this.joins).hasValue(1);
	}

	@Test
	void repliesWithoutIdWhenTheMessageHadNone() {
		assertThat(single("{\"type\":\"join\",\"room\":\"lobby\"}").has("id")).isFalse();
		assertThat(single("{\"type\":\"join\",\"id\":null,\"room\":\"lobby\"}").has("id")).isFalse();
	}

	@Test
	void acksAMessageWithIdButNoResult() {
		assertThat(single("{\"type\":\"quiet\",\"id\":\"q-1\"}").toString()).isEqualTo("{\"type\":\"ack\",\"id\":\"q-1\"}");
	}

	@Test
	void sendsNothingForAMessageWithoutIdOrResult() {
		assertThat(exchange("{\"type\":\"quiet\"}")).isEmpty();
	}

	@Test
	void repliesWhenAnAsynchronousResultArrives() {
		assertThat(exchange("{\"type\":\"later\",\"id\":\"l-1\"}")).isEmpty();
		this.later.complete(new Joined("late"));
		assertThat(JSON.readTree(this.transport.texts().get(0)).toString())
			.isEqualTo("{\"type\":\"joined\",\"id\":\"l-1\",\"room\":\"late\"}");
	}

	@Test
	void acceptsIdsOfUpTo64Characters() {
		String id = "i".repeat(64);
		assertThat(single("{\"type\":\"quiet\",\"id\":\"" + id + "\"}").get("id").asString()).isEqualTo(id);
	}

	@Test
	void refusesIdsOf65CharactersWithoutEchoingThem() {
		JsonNode reply = single("{\"type\":\"quiet\",\"id\":\"" + "i".repeat(65) + "\"}");
		assertError(reply, null, ErrorCode.INVALID_MESSAGE);
		assertThat(reply.get("message").asString()).contains("'id'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "\"\"", "true", "{}", "[\"a\"]" })
	void refusesIdsThatAreNotNonEmptyStrings(String id) {
		assertError(single("{\"type\":\"join\",\"room\":\"lobby\",\"id\":" + id + "}"), null, ErrorCode.INVALID_MESSAGE);
		assertThat(this.joins).hasValue(0);
	}

	// ---- error codes ---------------------------------------------------------------------------

	@ParameterizedTest
	@ValueSource(strings = { "{not json", "{\"type\":\"join\"", "\u0000", "nul", "{\"type\" \"join\"}" })
	void answersBadJson(String text) {
		assertError(single(text), null, ErrorCode.BAD_JSON);
	}

	@ParameterizedTest
	@ValueSource(strings = { "[1,2]", "42", "\"join\"", "null", "true" })
	void answersInvalidMessageForJsonThatIsNotAnObject(String text) {
		assertError(single(text), null, ErrorCode.INVALID_MESSAGE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"id\":\"x\"}", "{\"id\":\"x\",\"type\":42}", "{\"id\":\"x\",\"type\":\"\"}",
			"{\"id\":\"x\",\"type\":null}", "{\"id\":\"x\",\"type\":[\"join\"]}" })
	void answersInvalidMessageWithIdWhenTypeIsMissingOrNotAString(String text) {
		JsonNode reply = single(text);
		assertError(reply, "x", ErrorCode.INVALID_MESSAGE);
		assertThat(reply.get("message").asString()).contains("'type'");
	}

	@Test
	void answersUnknownTypeNamingIt() {
		JsonNode reply = single("{\"type\":\"jion_room\",\"id\":\"c-17\"}");
		assertError(reply, "c-17", ErrorCode.UNKNOWN_TYPE);
		assertThat(reply.get("message").asString()).isEqualTo("no handler for type 'jion_room'");
	}

	@Test
	void shortensAndSanitizesUnknownTypesInTheErrorMessage() {
		String message = single("{\"type\":\"" + "t".repeat(100) + "\"}").get("message").asString();
		assertThat(message).contains("t".repeat(64) + "...").doesNotContain("t".repeat(65));
		assertThat(single("{\"type\":\"a\\u0007b\\nc\"}").get("message").asString()).contains("'a?b?c'");
	}

	@Test
	void answersInvalidMessageNamingAMissingField() {
		JsonNode reply = single("{\"type\":\"join\",\"id\":\"j\"}");
		assertError(reply, "j", ErrorCode.INVALID_MESSAGE);
		assertThat(reply.get("message").asString()).isEqualTo("field 'room' is required");
		assertThat(this.joins).hasValue(0);
	}

	@Test
	void answersInvalidMessageNamingAFieldThatBreaksItsConstraint() {
		JsonNode reply = single("{\"type\":\"join\",\"id\":\"j\",\"room\":\"no spaces!\"}");
		assertError(reply, "j", ErrorCode.INVALID_MESSAGE);
		assertThat(reply.get("message").asString()).isEqualTo("field 'room' " + Identifiers.MESSAGE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"room\":5", "\"room\":true", "\"room\":{}", "\"room\":\"lobby\",\"quiet\":\"true\"",
			"\"room\":\"lobby\",\"quiet\":1" })
	void answersInvalidMessageNamingAFieldOfTheWrongType(String fields) {
		JsonNode reply = single("{\"type\":\"join\",\"id\":\"j\"," + fields + "}");
		assertError(reply, "j", ErrorCode.INVALID_MESSAGE);
		assertThat(reply.get("message").asString()).matches("field '(room|quiet)' has the wrong type");
		assertThat(this.joins).hasValue(0);
	}

	@Test
	void ignoresUnknownFields() {
		assertThat(single("{\"type\":\"join\",\"room\":\"lobby\",\"future\":1}").get("type").asString())
			.isEqualTo("joined");
	}

	@Test
	void answersTheGatewayExceptionOfAHandler() {
		JsonNode reply = single("{\"type\":\"deny\",\"id\":\"d\"}");
		assertError(reply, "d", ErrorCode.FORBIDDEN);
		assertThat(reply.get("message").asString()).isEqualTo("admins only");
	}

	@Test
	void answersAGatewayExceptionThatCompletesTheReply() {
		JsonNode reply = single("{\"type\":\"broker\",\"id\":\"b\"}");
		assertError(reply, "b", ErrorCode.SERVICE_UNAVAILABLE);
		assertThat(reply.get("message").asString()).isEqualTo("broker unavailable");
	}

	@Test
	void answersInternalErrorWhenAHandlerThrowsAndLogsOnceWithTheConnectionId() {
		try (LogCapture logs = LogCapture.capture(Level.DEBUG, MessageRouter.class.getName())) {
			JsonNode reply = single("{\"type\":\"boom\",\"id\":\"x\"}");
			assertError(reply, "x", ErrorCode.INTERNAL_ERROR);
			assertThat(reply.get("message").asString()).startsWith("internal error, connection ");
			List<ILoggingEvent> events = logs.events();
			assertThat(events).hasSize(1);
			assertThat(events.get(0).getLevel()).isEqualTo(Level.ERROR);
			assertThat(events.get(0).getFormattedMessage()).contains(this.session.id()).contains("boom");
			assertThat(events.get(0).getThrowableProxy().getMessage()).isEqualTo("kaboom with internals");
		}
		assertThat(this.transport.closeCode()).isNull();
		assertThat(single("{\"type\":\"join\",\"room\":\"lobby\"}").get("type").asString()).isEqualTo("joined");
	}

	@Test
	void answersInternalErrorWhenAnAsynchronousReplyFails() {
		try (LogCapture logs = LogCapture.capture(Level.DEBUG, MessageRouter.class.getName())) {
			assertError(single("{\"type\":\"crash-later\",\"id\":\"y\"}"), "y", ErrorCode.INTERNAL_ERROR);
			assertThat(logs.events()).hasSize(1);
		}
		assertThat(this.transport.closeCode()).isNull();
	}

	@Test
	void answersEveryErrorWithoutClosingTheConnection() {
		for (String text : List.of("{bad", "[]", "{}", "{\"type\":\"nope\"}", "{\"type\":\"join\"}", "{\"type\":\"deny\"}",
				"{\"type\":\"broker\"}")) {
			exchange(text);
		}
		assertThat(this.transport.closeCode()).isNull();
		assertThat(this.session.isOpen()).isTrue();
	}

	// ---- rate limiting ---------------------------------------------------------------------------

	@Test
	void answersRateLimitedBeyondTheBurstWithoutHandlingTheMessage() {
		this.router = router(2, 10);
		for (int i = 0; i < 4; i++) {
			assertThat(single("{\"type\":\"join\",\"id\":\"j" + i + "\",\"room\":\"lobby\"}").get("type").asString())
				.isEqualTo("joined");
		}
		JsonNode limited = single("{\"type\":\"join\",\"id\":\"j4\",\"room\":\"lobby\"}");
		assertError(limited, "j4", ErrorCode.RATE_LIMITED);
		assertThat(this.joins).hasValue(4);
		assertError(single("{not json"), null, ErrorCode.RATE_LIMITED);
		assertError(single("{\"type\":\"join\",\"id\":\"" + "i".repeat(65) + "\"}"), null, ErrorCode.RATE_LIMITED);
		assertThat(this.transport.closeCode()).isNull();
	}

	@Test
	void closesWith4008AfterMaxViolationsInARow() {
		this.router = router(2, 10);
		for (int i = 0; i < 4; i++) {
			exchange("{\"type\":\"quiet\"}");
		}
		for (int i = 1; i < 10; i++) {
			assertError(single("{\"type\":\"quiet\",\"id\":\"v" + i + "\"}"), "v" + i, ErrorCode.RATE_LIMITED);
		}
		assertThat(this.transport.closeCode()).isNull();
		exchange("{\"type\":\"quiet\",\"id\":\"v10\"}");
		assertThat(this.transport.closeCode()).isEqualTo(4008);
		assertThat(this.transport.closeReason()).isEqualTo("rate limit exceeded repeatedly");
	}

	@Test
	void anAcceptedMessageResetsTheViolationCount() {
		// 5 a second: a token every 200 ms, burst of 10
		this.router = router(5, 3);
		for (int i = 0; i < 10; i++) {
			exchange("{\"type\":\"quiet\"}");
		}
		exchange("{\"type\":\"quiet\"}");
		exchange("{\"type\":\"quiet\"}");
		assertThat(this.transport.closeCode()).isNull();
		// wait for a token without sending anything (each attempt would be a violation)
		await().pollDelay(Duration.ofMillis(450)).atMost(Duration.ofSeconds(5)).until(() -> true);
		assertThat(single("{\"type\":\"quiet\",\"id\":\"ok\"}").get("type").asString()).isEqualTo("ack");
		while (single("{\"type\":\"quiet\",\"id\":\"drain\"}").get("type").asString().equals("ack")) {
			// use up what refilled meanwhile
		}
		exchange("{\"type\":\"quiet\"}");
		assertThat(this.transport.closeCode()).as("two violations after the reset").isNull();
		exchange("{\"type\":\"quiet\"}");
		assertThat(this.transport.closeCode()).isEqualTo(4008);
	}

	// ---- connected frame, metrics, wiring ------------------------------------------------------------

	@Test
	void buildsTheConnectedFrame() {
		JsonNode connected = JSON.readTree(this.router.connectedFrame(this.session).text());
		assertThat(connected.get("type").asString()).isEqualTo("connected");
		assertThat(connected.get("connectionId").asString()).isEqualTo(this.session.id());
		assertThat(connected.get("userId").asString()).isEqualTo("alice");
		assertThat(connected.get("heartbeatIntervalMs").asLong()).isEqualTo(30_000);
		assertThat(connected.get("message").asString()).isNotBlank();
	}

	@Test
	void countsInboundMessagesByKnownTypeOnlyAndNeverByWhatTheClientMadeUp() {
		exchange("{\"type\":\"join\",\"room\":\"lobby\"}");
		exchange("{\"type\":\"user-4711-secret\"}");
		exchange("{oops");
		assertThat(this.meters.get("gateway.messages").tags("direction", "in", "type", "join").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("gateway.messages").tags("direction", "in", "type", "unknown").counter().count())
			.isEqualTo(2);
		assertThat(this.meters.getMeters()).noneMatch((meter) -> meter.getId()
			.getTags()
			.stream()
			.anyMatch((tag) -> tag.getValue().contains("4711")));
		assertThat(this.router.types()).contains("join", "quiet");
	}

	@Test
	void refusesTwoHandlersForOneType() {
		WebSocketProperties webSocket = new WebSocketProperties("/ws", List.of(), DataSize.ofKilobytes(512),
				Duration.ofSeconds(30), Duration.ofMinutes(5), DataSize.ofMegabytes(1), Duration.ofSeconds(10), false);
		assertThatIllegalStateException()
			.isThrownBy(() -> new MessageRouter(List.of(join(), join()), new MessageCodec(), VALIDATOR, List.of(),
					new LimitsProperties(50, 10, 100), webSocket))
			.withMessageContaining("'join'");
	}

}
