package io.wsgateway.bus.rabbit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.wsgateway.bus.EventBus;
import io.wsgateway.testsupport.GatewayCluster;
import io.wsgateway.testsupport.RabbitBroker;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on the real broker under sustained traffic from both, through two drops of
 * every broker connection ({@code close_all_connections}) and a broker restart
 * ({@code stop_app}, {@code start_app}), counting every message: each acknowledged
 * broadcast and chat reached every other member on both nodes exactly once and in its
 * sender's order (and the chat the backend), each refused one reached nobody; each event a
 * backend got confirmed reached its users and room members on both nodes exactly once.
 *
 * <p>It stops and starts the broker it runs on: point {@code GATEWAY_TEST_RABBITMQ_URI} and
 * {@code GATEWAY_TEST_RABBITMQCTL_NODE} at a broker of its own where others share one.
 */
class BrokerFaultTests {

	private static final int CLIENTS_PER_NODE = 4;

	private static final Duration TICK = Duration.ofMillis(25);

	private static final String ROOM = "faults";

	private static final String CLAN = "f1";

	private static final Duration SETTLE = Duration.ofSeconds(60);

	private final Map<String, List<JsonNode>> received = new ConcurrentHashMap<>();

	@Test
	void countsEveryMessageThroughConnectionDropsAndABrokerRestart() throws Exception {
		try (GatewayCluster cluster = GatewayCluster.create("gateway.bus.confirm-timeout=3s");
				TestBackend backend = new TestBackend(RabbitBroker.get().clientFactory())) {
			GatewayCluster.Node a = cluster.start("node-a");
			GatewayCluster.Node b = cluster.start("node-b");
			backend.listen(clientExchange(a));
			List<Member> members = new ArrayList<>();
			for (int i = 0; i < 2 * CLIENTS_PER_NODE; i++) {
				GatewayCluster.Node node = (i % 2 == 0) ? a : b;
				String user = "u" + i;
				TestClient client = TestClient.connect(node.port(), TestTokens.token(user, List.of(), List.of(CLAN)));
				client.request("{\"type\":\"join_room\",\"room\":\"" + ROOM + "\"}");
				client.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"" + CLAN + "\"}");
				client.request("{\"type\":\"subscribe_notifications\"}");
				members.add(new Member(user, client));
				this.received.put(user, new CopyOnWriteArrayList<>());
			}
			AtomicBoolean running = new AtomicBoolean(true);
			Thread clients = new Thread(() -> sendUntilStopped(members, running), "fault-test-clients");
			Thread events = new Thread(() -> backend.publishUntilStopped(exchange(a), members, running),
					"fault-test-backend");
			clients.start();
			events.start();
			try {
				pause(Duration.ofSeconds(2));
				RabbitBroker.ctl("close_all_connections", "fault test: first drop");
				pause(Duration.ofSeconds(3));
				RabbitBroker.ctl("close_all_connections", "fault test: second drop");
				pause(Duration.ofSeconds(3));
				RabbitBroker.ctl("stop_app");
				pause(Duration.ofSeconds(4));
			}
			finally {
				RabbitBroker.ctl("start_app");
			}
			await().atMost(SETTLE).until(() -> a.bean(EventBus.class).isConnected() && b.bean(EventBus.class).isConnected());
			pause(Duration.ofSeconds(3));
			running.set(false);
			clients.join();
			events.join();
			settle(members, backend);
			for (Member member : members) {
				member.client().close();
			}
			index();
			List<String> clientsWrong = verifyClientMessages(members, backend);
			List<String> backendWrong = verifyBackendEvents(members, backend);
			assertThat(clientsWrong).as("%d client messages went wrong, the first: %s", clientsWrong.size(),
					clientsWrong.subList(0, Math.min(10, clientsWrong.size()))).isEmpty();
			assertThat(backendWrong).as("%d deliveries of confirmed backend events went wrong, the first: %s",
					backendWrong.size(), backendWrong.subList(0, Math.min(10, backendWrong.size()))).isEmpty();
		}
	}

	// ---- traffic ------------------------------------------------------------------

	/** One member's messages and their outcomes; touched by the sending thread, then by the test. */
	record Member(String user, TestClient client) {
	}

	private void sendUntilStopped(List<Member> members, AtomicBoolean running) {
		int n = 0;
		while (running.get()) {
			for (Member member : members) {
				String text = (n % 4 == 3)
						? "{\"type\":\"chat\",\"id\":\"c-" + n + "\",\"clanId\":\"" + CLAN + "\",\"content\":\""
								+ member.user() + ":" + n + "\"}"
						: "{\"type\":\"broadcast\",\"id\":\"b-" + n + "\",\"room\":\"" + ROOM + "\",\"payload\":{\"s\":\""
								+ member.user() + "\",\"n\":" + n + "}}";
				member.client().send(text);
			}
			n++;
			pause(TICK);
		}
		this.sentPerMember = n;
	}

	private volatile int sentPerMember;

	private void collect(List<Member> members) {
		for (Member member : members) {
			this.received.get(member.user()).addAll(member.client().drain());
		}
	}

	/** Waits until every message has its outcome and nothing more arrives. */
	private void settle(List<Member> members, TestBackend backend) {
		await().atMost(SETTLE).pollInterval(Duration.ofMillis(200)).until(() -> {
			collect(members);
			return members.stream().allMatch((member) -> replies(member.user()).size() == this.sentPerMember);
		});
		long[] last = { -1 };
		await().atMost(SETTLE).pollInterval(Duration.ofSeconds(1)).until(() -> {
			collect(members);
			long total = this.received.values().stream().mapToLong(List::size).sum() + backend.deliveries.size();
			boolean quiet = total == last[0];
			last[0] = total;
			return quiet;
		});
	}

	// ---- verdicts -----------------------------------------------------------------

	private List<String> verifyClientMessages(List<Member> members, TestBackend backend) {
		int acked = 0;
		int refused = 0;
		List<String> wrong = new ArrayList<>();
		for (Member sender : members) {
			for (JsonNode reply : replies(sender.user())) {
				String id = reply.path("id").asString();
				int n = Integer.parseInt(id.substring(2));
				boolean chat = id.startsWith("c-");
				boolean ok = !reply.path("type").asString().equals("error");
				if (ok) {
					acked++;
				}
				else {
					refused++;
					assertThat(reply.path("code").asString()).as(id).isEqualTo("service_unavailable");
				}
				String what = sender.user() + " " + id + (ok ? " (acked)" : " (refused)");
				for (Member other : members) {
					long copies = copies(other.user(), sender.user(), n, chat);
					long expected = (ok && other != sender) ? 1 : 0;
					if (copies != expected) {
						wrong.add(what + " reached " + other.user() + " " + copies + " times");
					}
				}
				long atBackend = chat ? backend.chats(sender.user() + ":" + n) : 0;
				if (chat && atBackend != (ok ? 1 : 0)) {
					wrong.add(what + " reached the backend " + atBackend + " times");
				}
			}
		}
		for (Member receiver : members) {
			for (Member sender : members) {
				List<Integer> order = order(receiver.user(), sender.user());
				if (!order.stream().sorted().toList().equals(order)) {
					wrong.add(sender.user() + "'s messages out of order at " + receiver.user() + ": " + order);
				}
			}
		}
		System.out.printf("fault test: %d client messages acknowledged, %d refused, %d wrong%n", acked, refused,
				wrong.size());
		assertThat(acked).as("acknowledged messages").isPositive();
		return wrong;
	}

	private List<String> verifyBackendEvents(List<Member> members, TestBackend backend) {
		assertThat(backend.confirmed).as("backend events confirmed").isNotEmpty();
		List<String> wrong = new ArrayList<>();
		for (Map.Entry<Integer, String> event : backend.confirmed.entrySet()) {
			int n = event.getKey();
			String user = event.getValue();
			for (Member member : members) {
				long rooms = this.copies.getOrDefault(member.user() + "<r:" + n, 0L);
				if (rooms != 1) {
					wrong.add("room event " + n + " reached " + member.user() + " " + rooms + " times");
				}
				long notifications = this.copies.getOrDefault(member.user() + "<n:n-" + n, 0L);
				if (notifications != (member.user().equals(user) ? 1 : 0)) {
					wrong.add("notification " + n + " reached " + member.user() + " " + notifications + " times");
				}
			}
		}
		System.out.printf("fault test: %d backend event pairs confirmed (%d retried), %d wrong%n",
				backend.confirmed.size(), backend.retries, wrong.size());
		return wrong;
	}

	private List<JsonNode> replies(String user) {
		return this.received.get(user).stream().filter((m) -> {
			String id = m.path("id").asString(null);
			return id != null && (id.startsWith("b-") || id.startsWith("c-"))
					&& (m.path("type").asString().equals("ack") || m.path("type").asString().equals("message_sent")
							|| m.path("type").asString().equals("error"));
		}).toList();
	}

	private long copies(String receiver, String sender, int n, boolean chat) {
		return this.copies.getOrDefault(receiver + "<" + (chat ? "c:" : "b:") + sender + ":" + n, 0L);
	}

	/** Counts what each member received by receiver, kind, sender and number, once, before the verdicts. */
	private void index() {
		for (Map.Entry<String, List<JsonNode>> entry : this.received.entrySet()) {
			for (JsonNode m : entry.getValue()) {
				String type = m.path("type").asString();
				String key = null;
				if (type.equals("chat")) {
					key = "c:" + m.path("content").asString();
				}
				else if (type.equals("room_message") && m.path("payload").has("s")) {
					key = "b:" + m.path("payload").path("s").asString() + ":" + m.path("payload").path("n").asInt();
				}
				else if (type.equals("room_message")) {
					key = "r:" + m.path("payload").path("n").asInt();
				}
				else if (type.equals("notification")) {
					key = "n:" + m.path("id").asString();
				}
				if (key != null) {
					this.copies.merge(entry.getKey() + "<" + key, 1L, Long::sum);
				}
			}
		}
	}

	private final Map<String, Long> copies = new HashMap<>();

	/** Returns the numbers of the sender's room messages and chats, in the order the receiver got them. */
	private List<Integer> order(String receiver, String sender) {
		List<Integer> order = new ArrayList<>();
		for (JsonNode m : this.received.get(receiver)) {
			if (m.path("type").asString().equals("room_message") && m.path("payload").path("s").asString().equals(sender)) {
				order.add(m.path("payload").path("n").asInt());
			}
			else if (m.path("type").asString().equals("chat") && m.path("content").asString().startsWith(sender + ":")) {
				order.add(Integer.parseInt(m.path("content").asString().substring(sender.length() + 1)));
			}
		}
		return order;
	}

	private static String exchange(GatewayCluster.Node node) {
		return node.bean(io.wsgateway.bus.BusProperties.class).exchange();
	}

	private static String clientExchange(GatewayCluster.Node node) {
		return node.bean(io.wsgateway.bus.BusProperties.class).clientExchange();
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A backend service: consumes {@code gateway.client-events} from a queue that outlives
	 * its connections, and publishes events that it retries until the broker confirms.
	 */
	static final class TestBackend implements AutoCloseable {

		private final Connection connection;

		private final String queue = "test.fault-backend." + System.nanoTime();

		final List<String> deliveries = new CopyOnWriteArrayList<>();

		/** Event number to the user its notification went to; for confirmed events only. */
		final Map<Integer, String> confirmed = new ConcurrentHashMap<>();

		volatile int retries;

		private final Set<String> seenMessageIds = ConcurrentHashMap.newKeySet();

		TestBackend(ConnectionFactory factory) throws IOException, TimeoutException {
			factory.setAutomaticRecoveryEnabled(true);
			factory.setNetworkRecoveryInterval(500);
			this.connection = factory.newConnection("test-fault-backend");
		}

		void listen(String clientExchange) throws IOException {
			Channel channel = this.connection.createChannel();
			channel.queueDeclare(this.queue, true, false, false, Map.of("x-expires", 120_000));
			channel.queueBind(this.queue, clientExchange, "chat.message.#");
			channel.basicConsume(this.queue, false, (tag, delivery) -> {
				// A copy (sent again after a lost confirm, or redelivered after a dropped
				// connection) has the message id of the original: count each message once.
				String id = delivery.getProperties().getMessageId();
				if (id == null || this.seenMessageIds.add(id)) {
					this.deliveries.add(new String(delivery.getBody(), StandardCharsets.UTF_8));
				}
				channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
			}, (tag) -> {
			});
		}

		/** Returns how many distinct chats with this content arrived; the deliveries must be complete. */
		long chats(String content) {
			if (this.chatsByContent == null) {
				this.chatsByContent = new HashMap<>();
				for (String body : this.deliveries) {
					String text = TestClient.json().readTree(body).path("content").asString();
					this.chatsByContent.merge(text, 1L, Long::sum);
				}
			}
			return this.chatsByContent.getOrDefault(content, 0L);
		}

		private Map<String, Long> chatsByContent;

		void publishUntilStopped(String exchange, List<Member> members, AtomicBoolean running) {
			Channel channel = null;
			int n = 0;
			while (running.get()) {
				String user = members.get(n % members.size()).user();
				String notification = "{\"id\":\"n-" + n + "\",\"title\":\"t\",\"message\":\"" + n + "\"}";
				String room = "{\"from\":\"backend\",\"payload\":{\"n\":" + n + "}}";
				boolean first = true;
				while (running.get()) {
					try {
						if (channel == null || !channel.isOpen()) {
							channel = this.connection.createChannel();
							channel.confirmSelect();
						}
						publish(channel, exchange, "notification.user." + user, "n-" + n, notification);
						publish(channel, exchange, "room." + ROOM, "r-" + n, room);
						channel.waitForConfirmsOrDie(5000);
						this.confirmed.put(n, user);
						break;
					}
					catch (IOException | RuntimeException | InterruptedException | TimeoutException ex) {
						if (first) {
							this.retries++;
							first = false;
						}
						channel = null;
						pause(Duration.ofMillis(100));
					}
				}
				n++;
				pause(Duration.ofMillis(20));
			}
		}

		private static void publish(Channel channel, String exchange, String key, String id, String body)
				throws IOException {
			channel.basicPublish(exchange, key, new AMQP.BasicProperties.Builder().contentType("application/json")
				.deliveryMode(2)
				.messageId(id)
				.build(), body.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public void close() throws IOException {
			try (Channel channel = this.connection.createChannel()) {
				channel.queueDelete(this.queue);
			}
			catch (TimeoutException ex) {
				// closing anyway
			}
			this.connection.close();
		}

	}

}
