package io.wsgateway.chat;

import io.wsgateway.history.TestHistories;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.MalformedEventException;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.hub.TestHubs;
import io.wsgateway.ops.TestGatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.RecordingEventBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClanEventListenerTests {

	private final MessageCodec codec = new MessageCodec();

	private final ChannelHub hub = TestHubs.hub(RecordingEventBus.fake());

	private final ClanEventListener listener = new ClanEventListener(this.hub, this.codec,
			TestGatewayMetrics.create(), TestHistories.off());

	private final FakeTransport senderTransport = new FakeTransport();

	private final FakeTransport otherDeviceTransport = new FakeTransport();

	private final FakeTransport outsiderTransport = new FakeTransport();

	private final ClientSession sender = TestSessions.session("alice", this.senderTransport);

	private final ClientSession otherDevice = TestSessions.session("alice", this.otherDeviceTransport);

	private final ClientSession outsider = TestSessions.session("carol", this.outsiderTransport);

	@Test
	void deliversChatAndTypingToEverySubscriberButTheSendingConnection() {
		this.hub.join(ClanFamily.clan("c1"), this.sender);
		this.hub.join(ClanFamily.clan("c1"), this.otherDevice);
		this.hub.join(ClanFamily.clan("c2"), this.outsider);
		String chat = "{\"type\":\"chat\",\"messageId\":\"m1\"}";
		String typing = "{\"type\":\"typing\",\"clanId\":\"c1\",\"userId\":\"alice\",\"isTyping\":true}";

		this.listener.onEvent(new BusEvent.Frame("chat.clan.c1", "chat", chat, "node-1", this.sender.id()));
		this.listener.onEvent(new BusEvent.Frame("chat.clan.c1", "typing", typing, "node-1", this.sender.id()));

		assertThat(this.senderTransport.texts()).isEmpty();
		assertThat(this.otherDeviceTransport.texts()).containsExactly(chat, typing);
		assertThat(this.outsiderTransport.texts()).isEmpty();
	}

	@Test
	void turnsABackendMessageIntoChatWithDefaults() {
		this.hub.join(ClanFamily.clan("c1"), this.sender);

		this.listener.onEvent(new BusEvent.Backend("chat.clan.c1", "{\"content\":\"hello\"}"));

		JsonNode chat = this.codec.parse(this.senderTransport.texts().get(0));
		assertThat(chat.get("type").asString()).isEqualTo("chat");
		assertThat(chat.get("clanId").asString()).isEqualTo("c1");
		assertThat(chat.get("content").asString()).isEqualTo("hello");
		assertThat(chat.get("userId").asString()).isEqualTo("system");
		assertThat(chat.get("messageType").asString()).isEqualTo("TEXT");
		assertThat(chat.get("messageId").asString()).isNotBlank();
		assertThat(chat.get("timestamp").asString()).endsWith("Z");
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "[\"content\"]", "{\"content\":1}", "{}", "\"content\"" })
	void rejectsAMalformedBackendMessage(String body) {
		this.hub.join(ClanFamily.clan("c1"), this.sender);

		assertThatThrownBy(() -> this.listener.onEvent(new BusEvent.Backend("chat.clan.c1", body)))
			.isInstanceOf(MalformedEventException.class);
		assertThat(this.senderTransport.texts()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "chat.clan.", "chat.clan.bad clan" })
	void rejectsAnInvalidClanInTheKey(String key) {
		assertThatThrownBy(() -> this.listener.onEvent(new BusEvent.Backend(key, "{\"content\":\"x\"}")))
			.isInstanceOf(MalformedEventException.class);
	}

}
