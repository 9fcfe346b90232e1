package io.wsgateway.notifications;

import java.time.Instant;

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
import static org.assertj.core.api.Assertions.within;

class NotificationEventListenerTests {

	private final MessageCodec codec = new MessageCodec();

	private final ChannelHub hub = TestHubs.hub(RecordingEventBus.fake());

	private final NotificationSubscriptions subscriptions = new NotificationSubscriptions(this.hub);

	private final NotificationEventListener listener = new NotificationEventListener(this.hub, this.codec,
			TestGatewayMetrics.create());

	@Test
	void readsAFullNotification() {
		Notification notification = this.listener.read(
				"{\"id\":\"n1\",\"title\":\"t\",\"message\":\"m\",\"data\":{\"k\":[1,2]},\"createdAt\":\"2030-01-02T03:04:05Z\",\"extra\":true}");

		assertThat(notification.id()).isEqualTo("n1");
		assertThat(notification.title()).isEqualTo("t");
		assertThat(notification.message()).isEqualTo("m");
		assertThat(notification.data()).isEqualTo(this.codec.parse("{\"k\":[1,2]}"));
		assertThat(notification.createdAt()).isEqualTo("2030-01-02T03:04:05Z");
	}

	@Test
	void acceptsATitleOrAMessageAlone() {
		assertThat(this.listener.read("{\"title\":\"only a title\"}").message()).isNull();
		assertThat(this.listener.read("{\"message\":\"only a message\"}").title()).isNull();
	}

	@Test
	void fillsInIdAndCreatedAtWhenAbsent() {
		Notification first = this.listener.read("{\"title\":\"t\"}");
		Notification second = this.listener.read("{\"title\":\"t\"}");

		assertThat(first.id()).isNotBlank().isNotEqualTo(second.id());
		assertThat(first.data()).isNull();
		assertThat(Instant.parse(first.createdAt())).isCloseTo(Instant.now(), within(1, java.time.temporal.ChronoUnit.HOURS));
		assertThat(first.createdAt()).endsWith("Z");
	}

	@Test
	void takesANumericIdAsText() {
		assertThat(this.listener.read("{\"id\":42,\"title\":\"t\"}").id()).isEqualTo("42");
	}

	@Test
	void generatesAnIdForAnIdOfAnotherType() {
		assertThat(this.listener.read("{\"id\":{\"n\":1},\"title\":\"t\"}").id()).isNotBlank().doesNotContain("{");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"id\":\"n1\"}", "{\"id\":\"n1\",\"title\":5}", "{\"message\":[\"m\"]}",
			"{\"title\":null,\"message\":null}" })
	void rejectsANotificationWithoutTitleOrMessage(String body) {
		assertThatThrownBy(() -> this.listener.read(body)).isInstanceOf(MalformedEventException.class)
			.hasMessageContaining("title");
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "{\"title\":", "" })
	void rejectsABodyThatIsNotJson(String body) {
		assertThatThrownBy(() -> this.listener.read(body)).isInstanceOf(MalformedEventException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "[1,2]", "\"text\"", "42", "null" })
	void rejectsABodyThatIsNotAnObject(String body) {
		assertThatThrownBy(() -> this.listener.read(body)).isInstanceOf(MalformedEventException.class);
	}

	@Test
	void deliversAUserNotificationToThatUsersSubscribersOnly() {
		FakeTransport phone = new FakeTransport();
		FakeTransport laptop = new FakeTransport();
		FakeTransport bobs = new FakeTransport();
		subscribe("alice", phone);
		subscribe("alice", laptop);
		subscribe("bob", bobs);

		this.listener.onEvent(new BusEvent.Backend("notification.user.alice", "{\"id\":\"n1\",\"title\":\"t\"}"));

		assertThat(phone.texts()).singleElement().satisfies((text) -> {
			JsonNode frame = this.codec.parse(text);
			assertThat(frame.get("type").asString()).isEqualTo("notification");
			assertThat(frame.get("id").asString()).isEqualTo("n1");
		});
		// one encoded frame for every target
		assertThat(laptop.texts()).containsExactlyElementsOf(phone.texts());
		assertThat(bobs.texts()).isEmpty();
	}

	@Test
	void deliversABroadcastNotificationToEverySubscriber() {
		FakeTransport alice = new FakeTransport();
		FakeTransport bob = new FakeTransport();
		subscribe("alice", alice);
		subscribe("bob", bob);

		this.listener.onEvent(new BusEvent.Backend("notification.broadcast", "{\"message\":\"m\"}"));

		assertThat(alice.texts()).hasSize(1);
		assertThat(bob.texts()).isEqualTo(alice.texts());
	}

	@Test
	void passesAGatewaysReadyFrameOnAsItIs() {
		FakeTransport alice = new FakeTransport();
		subscribe("alice", alice);
		String frame = "{\"type\":\"notification\",\"id\":\"n9\",\"title\":\"t\",\"message\":null,\"data\":null,\"createdAt\":\"2030-01-01T00:00:00Z\"}";

		this.listener.onEvent(new BusEvent.Frame("notification.user.alice", "notification", frame, "node-2", null));

		assertThat(alice.texts()).containsExactly(frame);
	}

	@ParameterizedTest
	@ValueSource(strings = { "notification.user.", "notification.other", "notification.users.alice" })
	void rejectsUnknownRoutingKeys(String key) {
		FakeTransport alice = new FakeTransport();
		subscribe("alice", alice);

		assertThatThrownBy(() -> this.listener.onEvent(new BusEvent.Backend(key, "{\"title\":\"t\"}")))
			.isInstanceOf(MalformedEventException.class);
		assertThat(alice.texts()).isEmpty();
	}

	private ClientSession subscribe(String user, FakeTransport transport) {
		ClientSession session = TestSessions.session(user, transport);
		this.subscriptions.subscribe(session);
		return session;
	}

}
