package io.wsgateway.rooms;

import io.wsgateway.history.TestHistories;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.MalformedEventException;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.hub.TestHubs;
import io.wsgateway.ops.TestGatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.SessionRegistry;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.RecordingEventBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RoomEventListener}, {@link GlobalBroadcastListener} and {@link BackendRoomBody} over fake sessions. */
class RoomEventListenerTests {

	private final MessageCodec codec = new MessageCodec();

	private final ChannelHub hub = TestHubs.hub(RecordingEventBus.fake());

	private final RoomEventListener listener = new RoomEventListener(this.hub, this.codec,
			TestGatewayMetrics.create(), TestHistories.off());

	private final FakeTransport aliceTransport = new FakeTransport();

	private final FakeTransport bobTransport = new FakeTransport();

	private final FakeTransport carolTransport = new FakeTransport();

	private final ClientSession alice = TestSessions.session("alice", this.aliceTransport);

	private final ClientSession bob = TestSessions.session("bob", this.bobTransport);

	private final ClientSession carol = TestSessions.session("carol", this.carolTransport);

	@Test
	void deliversAGatewayEventToEveryMemberButTheSendingConnection() {
		this.hub.join(RoomFamily.room("lobby"), this.alice);
		this.hub.join(RoomFamily.room("lobby"), this.bob);
		String frame = "{\"type\":\"room_message\",\"room\":\"lobby\",\"from\":\"alice\",\"payload\":1,\"timestamp\":\"2030-01-01T00:00:00Z\"}";

		this.listener.onEvent(new BusEvent.Frame("room.lobby", "room", frame, "node-1", this.alice.id()));

		assertThat(this.aliceTransport.texts()).isEmpty();
		assertThat(this.bobTransport.texts()).containsExactly(frame);
		assertThat(this.carolTransport.texts()).isEmpty();
	}

	@Test
	void turnsABackendEventIntoARoomMessageForEveryMember() {
		this.hub.join(RoomFamily.room("lobby"), this.alice);
		this.hub.join(RoomFamily.room("lobby"), this.bob);

		this.listener.onEvent(new BusEvent.Backend("room.lobby", "{\"from\":\"game\",\"payload\":{\"k\":1}}"));

		JsonNode message = this.codec.parse(this.aliceTransport.texts().get(0));
		assertThat(message.get("type").asString()).isEqualTo("room_message");
		assertThat(message.get("room").asString()).isEqualTo("lobby");
		assertThat(message.get("from").asString()).isEqualTo("game");
		assertThat(json(message.get("payload"))).isEqualTo("{\"k\":1}");
		assertThat(this.bobTransport.texts()).isEqualTo(this.aliceTransport.texts());
	}

	@Test
	void ignoresAnEventForARoomWithoutLocalMembers() {
		this.hub.join(RoomFamily.room("lobby"), this.alice);

		this.listener.onEvent(new BusEvent.Backend("room.empty", "{\"payload\":1}"));

		assertThat(this.aliceTransport.texts()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "room.", "room.bad room", "room.a/b" })
	void rejectsAnInvalidRoomInTheKey(String key) {
		assertThatThrownBy(() -> this.listener.onEvent(new BusEvent.Backend(key, "{}")))
			.isInstanceOf(MalformedEventException.class);
	}

	@Test
	void rejectsABackendBodyThatIsNotJson() {
		this.hub.join(RoomFamily.room("lobby"), this.alice);

		assertThatThrownBy(() -> this.listener.onEvent(new BusEvent.Backend("room.lobby", "{oops")))
			.isInstanceOf(MalformedEventException.class);
		assertThat(this.aliceTransport.texts()).isEmpty();
	}

	@Test
	void keepsTheNumbersOfABackendPayloadAsSent() {
		assertThat(json(BackendRoomBody.read(this.codec, "{\"payload\":1e999999}").payload())).isEqualTo("1e999999");
		assertThat(json(BackendRoomBody.read(this.codec, " [0.10000000000000000000000001] ").payload()))
			.isEqualTo("[0.10000000000000000000000001]");
	}

	private String json(JsonNode node) {
		return this.codec.mapper().writeValueAsString(node);
	}

	@Test
	void readsABackendBodyWithAndWithoutEnvelope() {
		BackendRoomBody full = BackendRoomBody.read(this.codec, "{\"from\":\"svc\",\"payload\":[1]}");
		assertThat(full.from()).isEqualTo("svc");
		assertThat(json(full.payload())).isEqualTo("[1]");

		BackendRoomBody bare = BackendRoomBody.read(this.codec, "{\"score\":3}");
		assertThat(bare.from()).isEqualTo("system");
		assertThat(json(bare.payload())).isEqualTo("{\"score\":3}");

		BackendRoomBody scalar = BackendRoomBody.read(this.codec, "\"just text\"");
		assertThat(scalar.from()).isEqualTo("system");
		assertThat(json(scalar.payload())).isEqualTo("\"just text\"");

		assertThat(BackendRoomBody.read(this.codec, "{\"from\":7,\"payload\":null}").from()).isEqualTo("system");
	}

	@Test
	void globalBroadcastReachesEveryRegisteredSessionIncludingTheSender() {
		SessionRegistry sessions = TestSessions.registry();
		TestSessions.register(sessions, this.alice);
		TestSessions.register(sessions, this.bob);
		GlobalBroadcastListener global = new GlobalBroadcastListener(sessions, this.hub, this.codec, TestGatewayMetrics.create(),
				RecordingEventBus.fake());
		String frame = "{\"type\":\"broadcast\",\"from\":\"root\",\"payload\":1,\"timestamp\":\"2030-01-01T00:00:00Z\"}";

		global.onEvent(new BusEvent.Frame("broadcast.all", "broadcast", frame, "node-1", null));

		assertThat(this.aliceTransport.texts()).containsExactly(frame);
		assertThat(this.bobTransport.texts()).containsExactly(frame);
		assertThat(this.carolTransport.texts()).isEmpty();
	}

	@Test
	void globalBroadcastBindsItsKeyAtStartUp() {
		RecordingEventBus bus = RecordingEventBus.fake();
		GlobalBroadcastListener global = new GlobalBroadcastListener(TestSessions.registry(), this.hub, this.codec,
				TestGatewayMetrics.create(), bus);

		global.afterSingletonsInstantiated();

		assertThat(bus.bindingCalls()).containsExactly("bind broadcast.all");
	}

}
