package io.wsgateway.bus.rabbit;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.wsgateway.testsupport.RabbitBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ConfirmingPublisher} on the real broker: where its futures complete. */
class ConfirmingPublisherTests {

	private final CachingConnectionFactory connectionFactory = connectionFactory();

	private final ConfirmingPublisher publisher = new ConfirmingPublisher(this.connectionFactory);

	@AfterEach
	void stop() {
		this.publisher.shutdown();
		this.connectionFactory.destroy();
	}

	@Test
	void whatRunsOnFromAConfirmMayCallTheBroker() throws Exception {
		// As when the reply to a chat message finds its client gone and the session's close
		// unbinds the client's routing keys: a broker call from the completion.
		CompletableFuture<String> completion = this.publisher
			.publish("amq.topic", "gateway.test.confirm", new AMQP.BasicProperties(),
					"{}".getBytes(StandardCharsets.UTF_8))
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

	private static CachingConnectionFactory connectionFactory() {
		com.rabbitmq.client.ConnectionFactory client = RabbitBroker.get().clientFactory();
		// A call that waits on the connection's own reading thread would wait this long, not ten minutes.
		client.setChannelRpcTimeout(5000);
		return new CachingConnectionFactory(client);
	}

}
