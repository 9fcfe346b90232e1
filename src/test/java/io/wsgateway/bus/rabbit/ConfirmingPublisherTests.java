package io.wsgateway.bus.rabbit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgateway.testsupport.RabbitBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ConfirmingPublisher} on the real broker: how and where its futures complete. */
class ConfirmingPublisherTests {

	private final CachingConnectionFactory connectionFactory = connectionFactory();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ConfirmingPublisher publisher = new ConfirmingPublisher(this.connectionFactory, "test",
			Duration.ofSeconds(5), new BusFaultMeters(this.meters),
			(channel) -> channel.exchangeDeclare(EXCHANGE, "topic", false, true, null));

	private static final String EXCHANGE = "gateway.test.publisher." + UUID.randomUUID();

	@AfterEach
	void stop() {
		this.publisher.shutdown();
		this.connectionFactory.destroy();
	}

	@Test
	void whatRunsOnFromAConfirmMayCallTheBroker() throws Exception {
		bindQueue("gateway.test.confirm");
		// As when the reply to a chat message finds its client gone and the session's close
		// unbinds the client's routing keys: a broker call from the completion.
		CompletableFuture<String> completion = this.publisher
			.publish("amq.topic", "gateway.test.confirm", new HashMap<>(), new AMQP.BasicProperties.Builder(),
					"{}".getBytes(StandardCharsets.UTF_8), null)
			.thenApply((confirmed) -> {
				try (Channel channel = this.connectionFactory.createConnection().createChannel(false)) {
					channel.exchangeDeclarePassive("amq.topic");
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
				return Thread.currentThread().getName();
			});
		assertThat(completion.get(20, TimeUnit.SECONDS)).isEqualTo("gateway-bus-confirms");
	}

	@Test
	void refusesAMessageThatNoQueueTakesAndCountsIt() throws Exception {
		CompletableFuture<Void> published = this.publisher.publish("amq.topic", "gateway.test.nobody." + UUID.randomUUID(),
				new HashMap<>(), new AMQP.BasicProperties.Builder(), "{}".getBytes(StandardCharsets.UTF_8),
				() -> this.ranOnConfirm = true);
		assertThatThrownBy(() -> published.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(Outgoing.UnroutableException.class);
		assertThat(this.ranOnConfirm).isFalse();
		assertThat(this.meters.counter("gateway.bus.returned").count()).isEqualTo(1);
	}

	@Test
	void confirmsInPublishOrderAndRunsTheConfirmActionFirst() throws Exception {
		bindQueue("gateway.test.order");
		List<Integer> order = new CopyOnWriteArrayList<>();
		List<CompletableFuture<Void>> futures = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			int n = i;
			futures.add(this.publisher.publish("amq.topic", "gateway.test.order", new HashMap<>(),
					new AMQP.BasicProperties.Builder(), "{}".getBytes(StandardCharsets.UTF_8), () -> order.add(n)));
		}
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
		assertThat(order).hasSize(200).isSorted();
	}

	@Test
	void decidesAMessageWhoseExchangeWasDeletedUnderIt() throws Exception {
		Channel admin = this.connectionFactory.createConnection().createChannel(false);
		String queue = admin.queueDeclare().getQueue();
		admin.queueBind(queue, EXCHANGE, "gateway.test.gone");
		publish("gateway.test.gone").get(20, TimeUnit.SECONDS);
		admin.exchangeDelete(EXCHANGE);
		// The channel closes (404), the message is sent again on a new channel, which first
		// declares the exchange: no binding now, so it is returned and refused, not resent forever.
		assertThatThrownBy(() -> publish("gateway.test.gone").get(20, TimeUnit.SECONDS))
			.hasCauseInstanceOf(Outgoing.UnroutableException.class);
	}

	private CompletableFuture<Void> publish(String key) {
		return this.publisher.publish(EXCHANGE, key, new HashMap<>(), new AMQP.BasicProperties.Builder(),
				"{}".getBytes(StandardCharsets.UTF_8), null);
	}

	private volatile boolean ranOnConfirm;

	private void bindQueue(String key) throws Exception {
		Channel channel = this.connectionFactory.createConnection().createChannel(false);
		String queue = channel.queueDeclare().getQueue();
		channel.queueBind(queue, "amq.topic", key);
	}

	private static CachingConnectionFactory connectionFactory() {
		com.rabbitmq.client.ConnectionFactory client = RabbitBroker.get().clientFactory();
		// A call that waits on the connection's own reading thread would wait this long, not ten minutes.
		client.setChannelRpcTimeout(5000);
		return new CachingConnectionFactory(client);
	}

}
