package io.wsgateway.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.EventBus;
import io.wsgateway.bus.EventDispatcher;
import io.wsgateway.bus.MalformedEventException;
import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.session.ClientSession;
import io.wsgateway.testsupport.MessagingEndToEndTest;
import io.wsgateway.testsupport.RecordingEventBus;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.wsgateway.testsupport.Wire.assertError;
import static io.wsgateway.testsupport.Wire.assertFields;
import static io.wsgateway.testsupport.Wire.assertIsoTimestamp;
import static io.wsgateway.testsupport.Wire.assertNothingQueued;
import static io.wsgateway.testsupport.Wire.json;
import static io.wsgateway.testsupport.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Clan chat end to end, with real clients: subscribing (only to clans of the token),
 * {@code chat} and {@code typing}, who receives them (the sender's other devices get chat,
 * nobody gets their own typing back), what is refused, and system messages from backends.
 */
@MessagingEndToEndTest
class ClanChatEndToEndTests {

	@LocalServerPort
	private int port;

	@Autowired
	private EventBus bus;

	@Autowired
	private EventDispatcher dispatcher;

	@Autowired
	private ChannelHub hub;

	private final List<TestClient> clients = new ArrayList<>();

	private String u;

	private String clan;

	@BeforeEach
	void names() {
		this.u = Wire.unique();
		this.clan = "clan-" + this.u;
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	@Test
	void subscribesAndUnsubscribesClanChat() {
		TestClient alice = member("alice-" + this.u);

		JsonNode subscribed = alice.request(message("subscribe_clan_chat", "id", "s-1", "clanId", this.clan));
		assertFields(subscribed, "type", "id", "service", "clanId", "status");
		assertThat(subscribed.get("type").asString()).isEqualTo("subscription_confirmed");
		assertThat(subscribed.get("id").asString()).isEqualTo("s-1");
		assertThat(subscribed.get("service").asString()).isEqualTo("clan_chat");
		assertThat(subscribed.get("clanId").asString()).isEqualTo(this.clan);
		assertThat(subscribed.get("status").asString()).isEqualTo("subscribed");
		assertThat(this.hub.members(ClanFamily.clan(this.clan))).extracting(ClientSession::id)
			.containsExactly(alice.connectionId());

		JsonNode unsubscribed = alice.request(message("unsubscribe_clan_chat", "id", "s-2", "clanId", this.clan));
		assertFields(unsubscribed, "type", "id", "service", "clanId", "status");
		assertThat(unsubscribed.get("service").asString()).isEqualTo("clan_chat");
		assertThat(unsubscribed.get("clanId").asString()).isEqualTo(this.clan);
		assertThat(unsubscribed.get("status").asString()).isEqualTo("unsubscribed");
		assertThat(this.hub.members(ClanFamily.clan(this.clan))).isEmpty();
		assertThat(this.hub.sizes(Channel.CLAN)).doesNotContainKey(this.clan);
		assertThat(recorder().bindingCalls("chat.clan." + this.clan))
			.containsExactly("bind chat.clan." + this.clan, "unbind chat.clan." + this.clan);

		// unsubscribing again is answered the same
		assertThat(alice.request(message("unsubscribe_clan_chat", "clanId", this.clan)).get("status").asString())
			.isEqualTo("unsubscribed");
	}

	@Test
	void forbidsSubscribingToAClanNotInTheToken() {
		TestClient otherClan = connect(TestTokens.token("alice-" + this.u, List.of(), List.of("other-" + this.u)));
		TestClient noClaim = connect(TestTokens.token("bob-" + this.u));

		assertError(otherClan.request(message("subscribe_clan_chat", "id", "f-1", "clanId", this.clan)), "f-1",
				"forbidden");
		assertError(noClaim.request(message("subscribe_clan_chat", "id", "f-2", "clanId", this.clan)), "f-2",
				"forbidden");

		assertThat(this.hub.members(ClanFamily.clan(this.clan))).isEmpty();
		assertThat(otherClan.request(message("status")).get("subscriptions")).isEmpty();
	}

	@Test
	void chatReachesOtherSubscribersAndTheSendersOtherDevices() {
		String user = "alice-" + this.u;
		TestClient sender = subscribed(user);
		TestClient otherDevice = subscribed(user);
		TestClient bob = subscribed("bob-" + this.u);
		TestClient notSubscribed = member("carol-" + this.u);
		TestClient otherClan = connect(TestTokens.token("dave-" + this.u, List.of(), List.of("other-" + this.u)));
		otherClan.request(message("subscribe_clan_chat", "clanId", "other-" + this.u));

		JsonNode sent = sender.request(message("chat", "id", "c-1", "clanId", this.clan, "content", "hello clan"));

		assertFields(sent, "type", "id", "messageId");
		assertThat(sent.get("type").asString()).isEqualTo("message_sent");
		assertThat(sent.get("id").asString()).isEqualTo("c-1");
		String messageId = sent.get("messageId").asString();
		assertThat(messageId).isNotBlank();
		for (TestClient receiver : List.of(otherDevice, bob)) {
			JsonNode chat = receiver.next();
			assertFields(chat, "type", "messageId", "clanId", "userId", "content", "messageType", "timestamp");
			assertThat(chat.get("type").asString()).isEqualTo("chat");
			assertThat(chat.get("messageId").asString()).isEqualTo(messageId);
			assertThat(chat.get("clanId").asString()).isEqualTo(this.clan);
			assertThat(chat.get("userId").asString()).isEqualTo(user);
			assertThat(chat.get("content").asString()).isEqualTo("hello clan");
			assertThat(chat.get("messageType").asString()).isEqualTo("TEXT");
			assertIsoTimestamp(chat.get("timestamp"));
			assertNothingQueued(receiver);
		}
		assertNothingQueued(sender);
		assertNothingQueued(notSubscribed);
		assertNothingQueued(otherClan);

		List<RecordingEventBus.BackendEvent> published = recorder().backendEvents("chat.message." + this.clan);
		assertThat(published).hasSize(1);
		JsonNode event = json(published.get(0).json());
		assertThat(event.get("messageId").asString()).isEqualTo(messageId);
		assertThat(event.get("userId").asString()).isEqualTo(user);
		assertThat(event.get("content").asString()).isEqualTo("hello clan");
	}

	@Test
	void keepsTheMessageTypeTheSenderGave() {
		TestClient alice = subscribed("alice-" + this.u);
		TestClient bob = subscribed("bob-" + this.u);

		alice.request(message("chat", "clanId", this.clan, "content", "https://example.com/cat.png", "messageType",
				"IMAGE"));

		assertThat(bob.next().get("messageType").asString()).isEqualTo("IMAGE");
	}

	@Test
	void forbidsChatAndTypingWithoutSubscription() {
		TestClient alice = member("alice-" + this.u);
		TestClient bob = subscribed("bob-" + this.u);

		assertError(alice.request(message("chat", "id", "f-1", "clanId", this.clan, "content", "hi")), "f-1",
				"forbidden");
		assertError(alice.request(message("typing", "id", "f-2", "clanId", this.clan, "isTyping", true)), "f-2",
				"forbidden");
		alice.request(message("subscribe_clan_chat", "clanId", this.clan));
		alice.request(message("unsubscribe_clan_chat", "clanId", this.clan));
		assertError(alice.request(message("chat", "id", "f-3", "clanId", this.clan, "content", "hi")), "f-3",
				"forbidden");
		assertError(alice.request(message("typing", "id", "f-4", "clanId", this.clan, "isTyping", false)), "f-4",
				"forbidden");

		assertNothingQueued(bob);
		assertThat(recorder().backendEvents("chat.message." + this.clan)).isEmpty();
	}

	@Test
	void sendsTypingToOthersButNeverBackToTheSender() {
		String user = "alice-" + this.u;
		TestClient sender = subscribed(user);
		TestClient otherDevice = subscribed(user);
		TestClient bob = subscribed("bob-" + this.u);

		sender.send(message("typing", "clanId", this.clan, "isTyping", true));

		for (TestClient receiver : List.of(otherDevice, bob)) {
			JsonNode typing = receiver.next();
			assertFields(typing, "type", "clanId", "userId", "isTyping");
			assertThat(typing.get("type").asString()).isEqualTo("typing");
			assertThat(typing.get("clanId").asString()).isEqualTo(this.clan);
			assertThat(typing.get("userId").asString()).isEqualTo(user);
			assertThat(typing.get("isTyping").isBoolean()).isTrue();
			assertThat(typing.get("isTyping").asBoolean()).isTrue();
		}
		// no reply without an id, and no echo
		assertNothingQueued(sender);

		JsonNode ack = sender.request(message("typing", "id", "t-1", "clanId", this.clan, "isTyping", false));
		assertFields(ack, "type", "id");
		assertThat(ack.get("type").asString()).isEqualTo("ack");
		assertThat(ack.get("id").asString()).isEqualTo("t-1");
		assertThat(bob.next().get("isTyping").asBoolean()).isFalse();
		assertThat(otherDevice.next().get("isTyping").asBoolean()).isFalse();
		assertNothingQueued(sender);
		assertNothingQueued(bob);
		// never stored or sent to backends
		assertThat(recorder().backendEvents()).noneMatch((event) -> event.routingKey().contains(this.clan));
	}

	static Stream<Arguments> invalidMessages() {
		String clan = "clan-x";
		return Stream.of(Arguments.of(message("typing", "clanId", clan, "isTyping", "yes"), "'isTyping'"),
				Arguments.of(message("typing", "clanId", clan, "isTyping", "true"), "'isTyping'"),
				Arguments.of(message("typing", "clanId", clan), "'isTyping'"),
				Arguments.of(message("typing", "isTyping", true), "'clanId'"),
				Arguments.of(message("chat", "clanId", clan), "'content'"),
				Arguments.of(message("chat", "clanId", clan, "content", ""), "'content'"),
				Arguments.of(message("chat", "clanId", clan, "content", 5), "'content'"),
				Arguments.of(message("chat", "content", "hi"), "'clanId'"),
				Arguments.of(message("chat", "clanId", "bad clan", "content", "hi"), "'clanId'"),
				Arguments.of(message("chat", "clanId", clan, "content", "hi", "messageType", "no spaces"),
						"'messageType'"),
				Arguments.of(message("subscribe_clan_chat"), "'clanId'"),
				Arguments.of(message("subscribe_clan_chat", "clanId", ""), "'clanId'"),
				Arguments.of(message("subscribe_clan_chat", "clanId", "c".repeat(129)), "'clanId'"),
				Arguments.of(message("subscribe_clan_chat", "clanId", 7), "'clanId'"),
				Arguments.of(message("unsubscribe_clan_chat", "clanId", "a/b"), "'clanId'"));
	}

	@ParameterizedTest
	@MethodSource("invalidMessages")
	void rejectsInvalidChatMessages(String invalid, String namedField) {
		TestClient alice = connect(TestTokens.token("alice-" + this.u, List.of(), List.of("clan-x")));
		alice.request(message("subscribe_clan_chat", "clanId", "clan-x"));

		JsonNode reply = alice.request(invalid.replaceFirst("\\{", "{\"id\":\"v-1\","));

		assertThat(assertError(reply, "v-1", "invalid_message")).contains(namedField);
		assertNothingQueued(alice);
	}

	@Test
	void deliversBackendChatEventsToEverySubscriber() {
		TestClient alice = subscribed("alice-" + this.u);
		TestClient bob = subscribed("bob-" + this.u);
		TestClient notSubscribed = member("carol-" + this.u);

		this.dispatcher.dispatch(new BusEvent.Backend("chat.clan." + this.clan,
				"{\"content\":\"Server restarts at 22:00\",\"userId\":\"bot\",\"messageId\":\"sys-1\",\"messageType\":\"SYSTEM\"}"));
		this.dispatcher.dispatch(new BusEvent.Backend("chat.clan." + this.clan, "{\"content\":\"defaults\"}"));

		for (TestClient receiver : List.of(alice, bob)) {
			JsonNode chat = receiver.next();
			assertFields(chat, "type", "messageId", "clanId", "userId", "content", "messageType", "timestamp");
			assertThat(chat.get("type").asString()).isEqualTo("chat");
			assertThat(chat.get("messageId").asString()).isEqualTo("sys-1");
			assertThat(chat.get("clanId").asString()).isEqualTo(this.clan);
			assertThat(chat.get("userId").asString()).isEqualTo("bot");
			assertThat(chat.get("content").asString()).isEqualTo("Server restarts at 22:00");
			assertThat(chat.get("messageType").asString()).isEqualTo("SYSTEM");
			assertIsoTimestamp(chat.get("timestamp"));
			JsonNode defaults = receiver.next();
			assertThat(defaults.get("messageId").asString()).isNotBlank();
			assertThat(defaults.get("userId").asString()).isEqualTo("system");
			assertThat(defaults.get("messageType").asString()).isEqualTo("TEXT");
			assertNothingQueued(receiver);
		}
		assertNothingQueued(notSubscribed);
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "[1,2]", "{\"text\":\"no content\"}", "{\"content\":5}" })
	void dropsMalformedBackendChatEvents(String body) {
		TestClient alice = subscribed("alice-" + this.u);

		assertThatThrownBy(() -> this.dispatcher.dispatch(new BusEvent.Backend("chat.clan." + this.clan, body)))
			.isInstanceOf(MalformedEventException.class);

		assertNothingQueued(alice);
	}

	private RecordingEventBus recorder() {
		return (RecordingEventBus) this.bus;
	}

	/** A connection whose token lists the test's clan, not subscribed. */
	private TestClient member(String user) {
		return connect(TestTokens.token(user, List.of(), List.of(this.clan)));
	}

	/** A connection subscribed to the test's clan. */
	private TestClient subscribed(String user) {
		TestClient client = member(user);
		assertThat(client.request(message("subscribe_clan_chat", "clanId", this.clan)).get("status").asString())
			.isEqualTo("subscribed");
		return client;
	}

	private TestClient connect(String token) {
		TestClient client = TestClient.connect(this.port, token);
		this.clients.add(client);
		return client;
	}

}
