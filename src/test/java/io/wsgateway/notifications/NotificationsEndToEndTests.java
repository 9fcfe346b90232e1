package io.wsgateway.notifications;

import java.util.ArrayList;
import java.util.List;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.EventBus;
import io.wsgateway.bus.EventDispatcher;
import io.wsgateway.bus.MalformedEventException;
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
 * Notifications end to end, with real clients: subscribing, delivery of backend
 * notifications published on the bus (as a backend would, without an origin) for one user
 * or for everyone, malformed backend events, and {@code notification_ack} to the backend.
 */
@MessagingEndToEndTest
class NotificationsEndToEndTests {

	private static final String BODY = "{\"id\":\"n1\",\"title\":\"t\",\"message\":\"m\",\"data\":{\"orderId\":42,\"tags\":[\"a\",\"b\"]}}";

	@LocalServerPort
	private int port;

	@Autowired
	private EventBus bus;

	@Autowired
	private EventDispatcher dispatcher;

	@Autowired
	private ChannelHub hub;

	private final List<TestClient> clients = new ArrayList<>();

	private String alice;

	private String bob;

	@BeforeEach
	void names() {
		String u = Wire.unique();
		this.alice = "alice-" + u;
		this.bob = "bob-" + u;
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(TestClient::close);
	}

	@Test
	void subscribesAndUnsubscribesNotifications() {
		TestClient client = connect(this.alice);

		JsonNode subscribed = client.request(message("subscribe_notifications", "id", "s-1"));
		assertFields(subscribed, "type", "id", "service", "status");
		assertThat(subscribed.get("type").asString()).isEqualTo("subscription_confirmed");
		assertThat(subscribed.get("id").asString()).isEqualTo("s-1");
		assertThat(subscribed.get("service").asString()).isEqualTo("notifications");
		assertThat(subscribed.get("status").asString()).isEqualTo("subscribed");
		assertThat(this.hub.members(NotificationFamily.user(this.alice))).extracting(ClientSession::id)
			.containsExactly(client.connectionId());

		JsonNode unsubscribed = client.request(message("unsubscribe_notifications", "id", "s-2"));
		assertFields(unsubscribed, "type", "id", "service", "status");
		assertThat(unsubscribed.get("service").asString()).isEqualTo("notifications");
		assertThat(unsubscribed.get("status").asString()).isEqualTo("unsubscribed");
		assertThat(this.hub.members(NotificationFamily.user(this.alice))).isEmpty();
		assertThat(recorder().bindingCalls("notification.user." + this.alice)).containsExactly(
				"bind notification.user." + this.alice, "unbind notification.user." + this.alice);

		// unsubscribing again is answered the same
		assertThat(client.request(message("unsubscribe_notifications")).get("status").asString())
			.isEqualTo("unsubscribed");
	}

	@Test
	void deliversAUsersNotificationToEachOfItsSubscribedConnectionsOnly() {
		TestClient phone = subscribed(this.alice);
		TestClient laptop = subscribed(this.alice);
		TestClient notSubscribed = connect(this.alice);
		TestClient otherUser = subscribed(this.bob);

		publish("notification.user." + this.alice, BODY);

		for (TestClient receiver : List.of(phone, laptop)) {
			JsonNode notification = receiver.next();
			assertFields(notification, "type", "id", "title", "message", "data", "createdAt");
			assertThat(notification.get("type").asString()).isEqualTo("notification");
			assertThat(notification.get("id").asString()).isEqualTo("n1");
			assertThat(notification.get("title").asString()).isEqualTo("t");
			assertThat(notification.get("message").asString()).isEqualTo("m");
			assertThat(notification.get("data")).isEqualTo(json("{\"orderId\":42,\"tags\":[\"a\",\"b\"]}"));
			assertIsoTimestamp(notification.get("createdAt"));
			assertNothingQueued(receiver);
		}
		assertNothingQueued(notSubscribed);
		assertNothingQueued(otherUser);
	}

	@Test
	void stopsDeliveringAfterUnsubscribing() {
		TestClient client = subscribed(this.alice);
		client.request(message("unsubscribe_notifications"));

		publish("notification.user." + this.alice, BODY);
		publish("notification.broadcast", BODY);

		assertNothingQueued(client);
	}

	@Test
	void deliversBroadcastNotificationsToEverySubscribedConnection() {
		TestClient alice = subscribed(this.alice);
		TestClient bob = subscribed(this.bob);
		TestClient notSubscribed = connect("carol-" + Wire.unique());

		publish("notification.broadcast",
				"{\"id\":\"n-all\",\"title\":\"Maintenance\",\"message\":\"at 22:00\",\"createdAt\":\"2030-01-02T03:04:05Z\"}");

		for (TestClient receiver : List.of(alice, bob)) {
			JsonNode notification = receiver.next();
			assertFields(notification, "type", "id", "title", "message", "data", "createdAt");
			assertThat(notification.get("type").asString()).isEqualTo("notification");
			assertThat(notification.get("id").asString()).isEqualTo("n-all");
			assertThat(notification.get("title").asString()).isEqualTo("Maintenance");
			assertThat(notification.get("message").asString()).isEqualTo("at 22:00");
			assertThat(notification.get("data").isNull()).isTrue();
			assertThat(notification.get("createdAt").asString()).isEqualTo("2030-01-02T03:04:05Z");
			assertNothingQueued(receiver);
		}
		assertNothingQueued(notSubscribed);
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "[1,2]", "\"text\"", "{\"id\":\"n2\"}", "{\"id\":\"n3\",\"title\":5}",
			"{\"id\":\"n4\",\"message\":{\"text\":\"m\"}}" })
	void dropsMalformedBackendNotifications(String body) {
		TestClient client = subscribed(this.alice);

		assertThatThrownBy(() -> publish("notification.user." + this.alice, body))
			.isInstanceOf(MalformedEventException.class);
		assertThatThrownBy(() -> publish("notification.broadcast", body)).isInstanceOf(MalformedEventException.class);

		assertNothingQueued(client);
	}

	@Test
	void dropsNotificationsWithAnUnknownRoutingKey() {
		TestClient client = subscribed(this.alice);

		assertThatThrownBy(() -> publish("notification.user.", BODY)).isInstanceOf(MalformedEventException.class);
		assertThatThrownBy(() -> publish("notification.users." + this.alice, BODY))
			.isInstanceOf(MalformedEventException.class);

		assertNothingQueued(client);
	}

	@Test
	void acknowledgesNotificationsToTheBackend() {
		TestClient client = connect(this.alice);

		JsonNode ack = client.request(message("notification_ack", "id", "a-1", "notificationId", "n1"));
		assertFields(ack, "type", "id");
		assertThat(ack.get("type").asString()).isEqualTo("ack");
		assertThat(ack.get("id").asString()).isEqualTo("a-1");

		client.send(message("notification_ack", "notificationId", "n2"));
		// no reply without an id
		assertNothingQueued(client);

		List<RecordingEventBus.BackendEvent> acks = recorder().backendEvents("notification.ack." + this.alice);
		assertThat(acks).hasSize(2);
		JsonNode first = json(acks.get(0).json());
		assertFields(first, "notificationId", "userId", "timestamp");
		assertThat(first.get("notificationId").asString()).isEqualTo("n1");
		assertThat(first.get("userId").asString()).isEqualTo(this.alice);
		assertIsoTimestamp(first.get("timestamp"));
		assertThat(json(acks.get(1).json()).get("notificationId").asString()).isEqualTo("n2");
	}

	@Test
	void rejectsInvalidNotificationAcks() {
		TestClient client = connect(this.alice);

		assertThat(assertError(client.request(message("notification_ack", "id", "i-1")), "i-1", "invalid_message"))
			.contains("'notificationId'");
		assertThat(assertError(client.request(message("notification_ack", "id", "i-2", "notificationId", "")), "i-2",
				"invalid_message"))
			.contains("'notificationId'");
		assertThat(assertError(client.request(message("notification_ack", "id", "i-3", "notificationId", 5)), "i-3",
				"invalid_message"))
			.contains("'notificationId'");
		assertThat(assertError(
				client.request(message("notification_ack", "id", "i-4", "notificationId", "n".repeat(257))), "i-4",
				"invalid_message"))
			.contains("'notificationId'");

		assertThat(recorder().backendEvents("notification.ack." + this.alice)).isEmpty();
	}

	private void publish(String routingKey, String body) {
		// as a backend would: no kind, no origin, nothing excluded
		this.dispatcher.dispatch(new BusEvent.Backend(routingKey, body));
	}

	private RecordingEventBus recorder() {
		return (RecordingEventBus) this.bus;
	}

	private TestClient subscribed(String user) {
		TestClient client = connect(user);
		assertThat(client.request(message("subscribe_notifications")).get("status").asString()).isEqualTo("subscribed");
		return client;
	}

	private TestClient connect(String user) {
		TestClient client = TestClient.connect(this.port, TestTokens.token(user));
		this.clients.add(client);
		return client;
	}

}
