package io.wsgateway.rooms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.EventBus;
import io.wsgateway.bus.EventDispatcher;
import io.wsgateway.bus.MalformedEventException;
import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.notifications.NotificationSubscriptions;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.MessagingEndToEndTest;
import io.wsgateway.testsupport.RecordingEventBus;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
import static org.awaitility.Awaitility.await;

/**
 * Rooms end to end, with real clients: {@code join_room}, {@code leave_room}, room and
 * global {@code broadcast}, who receives what, what is refused, backend room events,
 * several connections per user, and the clean-up when a connection goes away. The rows
 * {@code ping}, {@code echo} and {@code status} of the protocol's section 3 are here too,
 * {@code status} being where rooms and subscriptions show.
 */
@MessagingEndToEndTest
class RoomsEndToEndTests {

	private static final Duration CLEANUP = Duration.ofSeconds(15);

	@LocalServerPort
	private int port;

	@Autowired
	private EventBus bus;

	@Autowired
	private EventDispatcher dispatcher;

	@Autowired
	private ChannelHub hub;

	@Autowired
	private SessionRegistry sessions;


	@Autowired
	private NotificationSubscriptions notifications;

	private final List<TestClient> clients = new ArrayList<>();

	private String u;

	@BeforeEach
	void names() {
		this.u = Wire.unique();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	@Test
	void answersPingEchoAndStatusWithTheirShapes() {
		String user = "alice-" + this.u;
		String clan = "clan-" + this.u;
		TestClient alice = connectWith(TestTokens.token(user, List.of(), List.of(clan)));
		assertFields(alice.connected(), "type", "connectionId", "userId", "message", "heartbeatIntervalMs", "expiresAt");
		assertThat(alice.connected().get("userId").asString()).isEqualTo(user);

		JsonNode pong = alice.request(message("ping", "id", "p-1"));
		assertFields(pong, "type", "id", "timestamp");
		assertThat(pong.get("type").asString()).isEqualTo("pong");
		assertThat(pong.get("id").asString()).isEqualTo("p-1");
		assertIsoTimestamp(pong.get("timestamp"));

		JsonNode payload = json("{\"text\":\"hi\",\"list\":[1,\"two\",null,{\"three\":3.5}]}");
		JsonNode echo = alice.request(message("echo", "id", "e-1", "payload", payload));
		assertFields(echo, "type", "id", "payload");
		assertThat(echo.get("type").asString()).isEqualTo("echo");
		assertThat(echo.get("payload")).isEqualTo(payload);

		alice.request(message("join_room", "room", "b-" + this.u));
		alice.request(message("join_room", "room", "a-" + this.u));
		alice.request(message("subscribe_notifications"));
		alice.request(message("subscribe_clan_chat", "clanId", clan));
		JsonNode status = alice.request(message("status", "id", "s-1"));
		assertFields(status, "type", "id", "connectionId", "userId", "rooms", "subscriptions", "connectedAt", "node");
		assertThat(status.get("type").asString()).isEqualTo("status");
		assertThat(status.get("connectionId").asString()).isEqualTo(alice.connectionId());
		assertThat(status.get("userId").asString()).isEqualTo(user);
		assertThat(status.get("rooms")).isEqualTo(json("[\"a-" + this.u + "\",\"b-" + this.u + "\"]"));
		assertThat(status.get("subscriptions")).isEqualTo(json("[\"clan_chat:" + clan + "\",\"notifications\"]"));
		assertIsoTimestamp(status.get("connectedAt"));
		assertThat(status.get("node").asString()).isEqualTo("test-node");
	}

	@Test
	void joinRoomRepliesRoomJoinedWithTheMemberCount() {
		String room = "lobby-" + this.u;
		TestClient alice = connect("alice-" + this.u);
		TestClient bob = connect("bob-" + this.u);

		JsonNode first = alice.request(message("join_room", "id", "j-1", "room", room));
		assertFields(first, "type", "id", "room", "members");
		assertThat(first.get("type").asString()).isEqualTo("room_joined");
		assertThat(first.get("id").asString()).isEqualTo("j-1");
		assertThat(first.get("room").asString()).isEqualTo(room);
		assertThat(first.get("members").asInt()).isEqualTo(1);

		assertThat(bob.request(message("join_room", "room", room)).get("members").asInt()).isEqualTo(2);
		// joining again changes nothing
		assertThat(alice.request(message("join_room", "room", room)).get("members").asInt()).isEqualTo(2);
		assertThat(this.hub.sizes(Channel.ROOM)).containsEntry(room, 2);
		assertThat(this.hub.members(RoomFamily.room(room))).extracting(ClientSession::id)
			.containsExactlyInAnyOrder(alice.connectionId(), bob.connectionId());
		assertThat(recorder().bindingCalls("room." + room)).containsExactly("bind room." + room);
	}

	@Test
	void leaveRoomRepliesRoomLeftAndFreesTheEmptyRoom() {
		String room = "lobby-" + this.u;
		TestClient alice = connect("alice-" + this.u);
		alice.request(message("join_room", "room", room));

		JsonNode left = alice.request(message("leave_room", "id", "l-1", "room", room));
		assertFields(left, "type", "id", "room");
		assertThat(left.get("type").asString()).isEqualTo("room_left");
		assertThat(left.get("id").asString()).isEqualTo("l-1");
		assertThat(left.get("room").asString()).isEqualTo(room);
		assertThat(this.hub.sizes(Channel.ROOM)).doesNotContainKey(room);
		assertThat(recorder().bindingCalls("room." + room)).containsExactly("bind room." + room, "unbind room." + room);

		// leaving again, or a room never joined, is answered the same and changes nothing
		assertThat(alice.request(message("leave_room", "room", room)).get("type").asString()).isEqualTo("room_left");
		assertThat(alice.request(message("leave_room", "room", "never-" + this.u)).get("type").asString())
			.isEqualTo("room_left");
		assertThat(recorder().bindingCalls("room." + room)).hasSize(2);
		assertThat(alice.request(message("status")).get("rooms")).isEmpty();
	}

	@Test
	void excludesSenderFromRoomBroadcast() {
		String room = "lobby-" + this.u;
		String user = "alice-" + this.u;
		TestClient sender = connect(user);
		TestClient otherDevice = connect(user);
		TestClient bob = connect("bob-" + this.u);
		TestClient outsider = connect("carol-" + this.u);
		for (TestClient member : List.of(sender, otherDevice, bob)) {
			member.request(message("join_room", "room", room));
		}
		JsonNode payload = json("{\"text\":\"hi\",\"n\":1}");

		JsonNode ack = sender.request(message("broadcast", "id", "b-1", "room", room, "payload", payload));

		assertFields(ack, "type", "id");
		assertThat(ack.get("type").asString()).isEqualTo("ack");
		assertThat(ack.get("id").asString()).isEqualTo("b-1");
		for (TestClient receiver : List.of(otherDevice, bob)) {
			JsonNode received = receiver.next();
			assertFields(received, "type", "room", "from", "payload", "timestamp");
			assertThat(received.get("type").asString()).isEqualTo("room_message");
			assertThat(received.get("room").asString()).isEqualTo(room);
			assertThat(received.get("from").asString()).isEqualTo(user);
			assertThat(received.get("payload")).isEqualTo(payload);
			assertIsoTimestamp(received.get("timestamp"));
			assertNothingQueued(receiver);
		}
		assertNothingQueued(sender);
		assertNothingQueued(outsider);
	}

	@Test
	void answersABroadcastWithoutIdWithNothing() {
		String room = "lobby-" + this.u;
		TestClient alice = connect("alice-" + this.u);
		TestClient bob = connect("bob-" + this.u);
		alice.request(message("join_room", "room", room));
		bob.request(message("join_room", "room", room));

		alice.send(message("broadcast", "room", room, "payload", "no id"));

		assertThat(bob.next().get("payload").asString()).isEqualTo("no id");
		assertNothingQueued(alice);
	}

	@Test
	void forbidsBroadcastToARoomNotJoined() {
		String room = "lobby-" + this.u;
		TestClient alice = connect("alice-" + this.u);
		TestClient bob = connect("bob-" + this.u);
		bob.request(message("join_room", "room", room));

		assertError(alice.request(message("broadcast", "id", "b-1", "room", room, "payload", "x")), "b-1", "forbidden");

		alice.request(message("join_room", "room", room));
		alice.request(message("leave_room", "room", room));
		assertError(alice.request(message("broadcast", "id", "b-2", "room", room, "payload", "y")), "b-2", "forbidden");

		assertNothingQueued(bob);
		// the connection keeps working after an error
		assertThat(alice.request(message("join_room", "room", room)).get("type").asString()).isEqualTo("room_joined");
	}

	@Test
	void globalBroadcastFromAdminReachesEveryConnection() {
		String admin = "root-" + this.u;
		String alice = "alice-" + this.u;
		TestClient sender = connectWith(TestTokens.token(admin, List.of("admin"), List.of()));
		TestClient adminOtherDevice = connectWith(TestTokens.token(admin, List.of("admin"), List.of()));
		TestClient alice1 = connect(alice);
		TestClient alice2 = connect(alice);
		TestClient bob = connect("bob-" + this.u);
		bob.request(message("join_room", "room", "lobby-" + this.u));
		JsonNode payload = json("{\"notice\":\"maintenance at 22:00\"}");

		JsonNode ack = sender.request(message("broadcast", "id", "g-1", "payload", payload));

		assertFields(ack, "type", "id");
		assertThat(ack.get("type").asString()).isEqualTo("ack");
		// every connection, the sending one included
		for (TestClient receiver : List.of(sender, adminOtherDevice, alice1, alice2, bob)) {
			JsonNode received = receiver.next();
			assertFields(received, "type", "from", "payload", "timestamp");
			assertThat(received.get("type").asString()).isEqualTo("broadcast");
			assertThat(received.get("from").asString()).isEqualTo(admin);
			assertThat(received.get("payload")).isEqualTo(payload);
			assertIsoTimestamp(received.get("timestamp"));
			assertNothingQueued(receiver);
		}
	}

	@Test
	void forbidsGlobalBroadcastWithoutAdminRole() {
		TestClient plain = connect("alice-" + this.u);
		TestClient moderator = connectWith(TestTokens.token("mod-" + this.u, List.of("moderator"), List.of()));
		TestClient bob = connect("bob-" + this.u);

		assertError(plain.request(message("broadcast", "id", "g-1", "payload", "x")), "g-1", "forbidden");
		assertError(moderator.request(message("broadcast", "id", "g-2", "payload", "x")), "g-2", "forbidden");

		assertNothingQueued(bob);
		assertNothingQueued(plain);
		assertNothingQueued(moderator);
	}

	static Stream<String> invalidRoomNames() {
		return Stream.of("", "r".repeat(129), "with space", "slash/room", "ümlaut", "semi;colon",
				"tab\tbed", "star*");
	}

	@ParameterizedTest
	@MethodSource("invalidRoomNames")
	void rejectsInvalidRoomNames(String room) {
		TestClient alice = connect("alice-" + this.u);

		for (String type : List.of("join_room", "leave_room")) {
			String error = assertError(alice.request(message(type, "id", "r-1", "room", room)), "r-1",
					"invalid_message");
			assertThat(error).contains("'room'");
		}
		String error = assertError(alice.request(message("broadcast", "id", "r-2", "room", room, "payload", 1)), "r-2",
				"invalid_message");
		assertThat(error).contains("'room'");
		assertThat(this.hub.sizes(Channel.ROOM)).doesNotContainKey(room);
		assertThat(alice.request(message("status")).get("rooms")).isEmpty();
	}

	@Test
	void acceptsRoomNamesOfEveryAllowedCharacterUpToTheLimit() {
		TestClient alice = connect("alice-" + this.u);
		String longest = this.u + "r".repeat(128 - this.u.length());
		String everyKind = "Lobby.9:a-Z_" + this.u;

		assertThat(alice.request(message("join_room", "room", longest)).get("room").asString()).isEqualTo(longest);
		assertThat(alice.request(message("join_room", "room", everyKind)).get("room").asString()).isEqualTo(everyKind);
	}

	@Test
	void rejectsMissingAndMistypedFields() {
		TestClient alice = connect("alice-" + this.u);
		String room = "lobby-" + this.u;
		alice.request(message("join_room", "room", room));

		assertThat(assertError(alice.request(message("join_room", "id", "m-1")), "m-1", "invalid_message"))
			.contains("'room'");
		assertThat(assertError(alice.request(message("leave_room", "id", "m-2")), "m-2", "invalid_message"))
			.contains("'room'");
		assertThat(assertError(alice.request(message("broadcast", "id", "m-3", "room", room)), "m-3",
				"invalid_message"))
			.contains("'payload'");
		assertThat(assertError(alice.request(message("broadcast", "id", "m-4")), "m-4", "invalid_message"))
			.contains("'payload'");
		assertThat(assertError(alice.request(message("join_room", "id", "m-5", "room", 5)), "m-5", "invalid_message"))
			.contains("'room'");
		assertThat(assertError(alice.request(message("join_room", "id", "m-6", "room", List.of(room))), "m-6",
				"invalid_message"))
			.contains("'room'");
		assertThat(assertError(alice.request(message("broadcast", "id", "m-7", "room", true, "payload", 1)), "m-7",
				"invalid_message"))
			.contains("'room'");
		assertThat(alice.request(message("status")).get("rooms")).isEqualTo(json("[\"" + room + "\"]"));
	}

	@Test
	void deliversBackendRoomEventsAsRoomMessages() {
		String room = "lobby-" + this.u;
		TestClient alice = connect("alice-" + this.u);
		TestClient bob = connect("bob-" + this.u);
		TestClient outsider = connect("carol-" + this.u);
		alice.request(message("join_room", "room", room));
		bob.request(message("join_room", "room", room));

		this.dispatcher.dispatch(new BusEvent.Backend("room." + room, "{\"from\":\"game-server\",\"payload\":{\"score\":3}}"));
		this.dispatcher.dispatch(new BusEvent.Backend("room." + room, "{\"score\":4}"));

		for (TestClient member : List.of(alice, bob)) {
			JsonNode first = member.next();
			assertFields(first, "type", "room", "from", "payload", "timestamp");
			assertThat(first.get("type").asString()).isEqualTo("room_message");
			assertThat(first.get("room").asString()).isEqualTo(room);
			assertThat(first.get("from").asString()).isEqualTo("game-server");
			assertThat(first.get("payload")).isEqualTo(json("{\"score\":3}"));
			assertIsoTimestamp(first.get("timestamp"));
			JsonNode second = member.next();
			assertThat(second.get("from").asString()).isEqualTo("system");
			assertThat(second.get("payload")).isEqualTo(json("{\"score\":4}"));
			assertNothingQueued(member);
		}
		assertNothingQueued(outsider);
	}

	@Test
	void dropsMalformedBackendRoomEvents() {
		String room = "lobby-" + this.u;
		TestClient alice = connect("alice-" + this.u);
		alice.request(message("join_room", "room", room));

		assertThatThrownBy(() -> this.dispatcher.dispatch(new BusEvent.Backend("room." + room, "not json")))
			.isInstanceOf(MalformedEventException.class);
		assertThatThrownBy(() -> this.dispatcher.dispatch(new BusEvent.Backend("room." + room + " x", "{}")))
			.isInstanceOf(MalformedEventException.class);

		assertNothingQueued(alice);
	}

	@Test
	void keepsEveryConnectionOfAUserUnderTheDefaultMultiplePolicy() {
		String user = "alice-" + this.u;
		String room = "lobby-" + this.u;
		TestClient first = connect(user);
		TestClient second = connect(user);
		TestClient bob = connect("bob-" + this.u);
		first.request(message("join_room", "room", room));
		second.request(message("join_room", "room", room));
		bob.request(message("join_room", "room", room));

		bob.request(message("broadcast", "room", room, "payload", "to both"));

		assertThat(first.connectionId()).isNotEqualTo(second.connectionId());
		assertThat(first.next().get("payload").asString()).isEqualTo("to both");
		assertThat(second.next().get("payload").asString()).isEqualTo("to both");
		assertThat(first.isClosed()).isFalse();
		assertThat(this.sessions.byUser(user)).extracting(ClientSession::id)
			.containsExactlyInAnyOrder(first.connectionId(), second.connectionId());
	}

	@Test
	void freesEveryMembershipOfAConnectionThatDropsAbruptly() {
		String user = "alice-" + this.u;
		String clan = "clan-" + this.u;
		String ownRoom = "own-" + this.u;
		String sharedRoom = "shared-" + this.u;
		TestClient alice = connectWith(TestTokens.token(user, List.of(), List.of(clan)));
		TestClient bob = connect("bob-" + this.u);
		bob.request(message("join_room", "room", sharedRoom));
		alice.request(message("join_room", "room", ownRoom));
		alice.request(message("join_room", "room", sharedRoom));
		alice.request(message("subscribe_notifications"));
		alice.request(message("subscribe_clan_chat", "clanId", clan));
		ClientSession session = TestSessions.awaitRegistered(this.sessions, alice.connectionId());
		assertThat(this.hub.members(RoomFamily.room(ownRoom))).containsExactly(session);
		assertThat(this.hub.sizes(Channel.ROOM)).containsEntry(sharedRoom, 2);
		assertThat(this.hub.sizes(Channel.CLAN)).containsEntry(clan, 1);
		assertThat(this.notifications.subscribers()).contains(session);

		alice.webSocket().abort();

		await("clean-up of " + session).atMost(CLEANUP).untilAsserted(() -> {
			assertThat(this.sessions.get(session.id())).isNull();
			assertThat(this.hub.members(RoomFamily.room(ownRoom))).isEmpty();
			assertThat(this.hub.sizes(Channel.ROOM)).doesNotContainKey(ownRoom).containsEntry(sharedRoom, 1);
			assertThat(this.hub.sizes(Channel.CLAN)).doesNotContainKey(clan);
			assertThat(this.notifications.subscribers()).doesNotContain(session);
		});
		assertThat(this.hub.members(RoomFamily.room(sharedRoom))).extracting(ClientSession::id).containsExactly(bob.connectionId());
		assertThat(this.hub.channelsOf(session, Channel.ROOM)).isEmpty();
		assertThat(this.hub.subscriptionsOf(session)).isEmpty();
		RecordingEventBus recorder = recorder();
		assertThat(recorder.bindingCalls("room." + ownRoom)).containsExactly("bind room." + ownRoom,
				"unbind room." + ownRoom);
		assertThat(recorder.bindingCalls("room." + sharedRoom)).containsExactly("bind room." + sharedRoom);
		assertThat(recorder.bindingCalls("chat.clan." + clan)).containsExactly("bind chat.clan." + clan,
				"unbind chat.clan." + clan);
		assertThat(recorder.bindingCalls("notification.user." + user))
			.containsExactly("bind notification.user." + user, "unbind notification.user." + user);
		// the room lives on for the member still there
		assertThat(bob.request(message("broadcast", "room", sharedRoom, "payload", 1)).get("type").asString())
			.isEqualTo("ack");
	}

	@Test
	void freesMembershipsWhenTheClientClosesNormally() {
		String room = "lobby-" + this.u;
		TestClient alice = connect("alice-" + this.u);
		alice.request(message("join_room", "room", room));
		assertThat(this.hub.sizes(Channel.ROOM)).containsEntry(room, 1);

		alice.close();

		await("room " + room + " freed").atMost(CLEANUP)
			.untilAsserted(() -> assertThat(this.hub.sizes(Channel.ROOM)).doesNotContainKey(room));
		assertThat(recorder().bindingCalls("room." + room)).containsExactly("bind room." + room, "unbind room." + room);
	}

	private RecordingEventBus recorder() {
		return (RecordingEventBus) this.bus;
	}

	private TestClient connect(String user) {
		return connectWith(TestTokens.token(user));
	}

	private TestClient connectWith(String token) {
		TestClient client = TestClient.connect(this.port, token);
		this.clients.add(client);
		return client;
	}

}
