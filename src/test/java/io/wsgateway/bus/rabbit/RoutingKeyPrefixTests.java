package io.wsgateway.bus.rabbit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.wsgateway.GatewayApplication;
import io.wsgateway.testsupport.RabbitBroker;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code gateway.bus.routing-key-prefix} set, the node binds, consumes and publishes
 * every key with the prefix in front, on both exchanges.
 */
class RoutingKeyPrefixTests {

	@Test
	void prefixesEveryRoutingKeyOnBothExchanges() throws Exception {
		RabbitBroker broker = RabbitBroker.get();
		String run = UUID.randomUUID().toString().substring(0, 8);
		String prefix = "env" + run + ".";
		String exchange = "test.events." + run;
		String clientExchange = "test.client-events." + run;
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--gateway.bus.type=rabbitmq",
				"--gateway.bus.exchange=" + exchange, "--gateway.bus.client-exchange=" + clientExchange,
				"--gateway.bus.routing-key-prefix=" + prefix, "--gateway.security.jwt.secret=" + TestTokens.SECRET,
				"--spring.main.banner-mode=off", "--logging.level.org.springframework.boot.security=ERROR"));
		for (String property : broker.springProperties()) {
			arguments.add("--" + property);
		}
		try (ConfigurableApplicationContext node = new SpringApplicationBuilder(GatewayApplication.class)
			.run(arguments.toArray(String[]::new)); Connection backend = broker.clientFactory().newConnection()) {
			await().until(() -> node.getBean(RabbitEventBus.class).isConnected());
			Channel channel = backend.createChannel();
			LinkedBlockingQueue<String> toBackend = new LinkedBlockingQueue<>();
			String queue = channel.queueDeclare().getQueue();
			channel.queueBind(queue, clientExchange, "#");
			channel.basicConsume(queue, true,
					(tag, delivery) -> toBackend.add(delivery.getEnvelope().getRoutingKey()), (tag) -> {
					});
			int port = ((WebServerApplicationContext) node).getWebServer().getPort();
			try (TestClient client = TestClient.connect(port, TestTokens.token("pia", List.of(), List.of("c1")))) {
				client.request("{\"type\":\"subscribe_notifications\"}");
				channel.basicPublish(exchange, prefix + "notification.user.pia",
						new AMQP.BasicProperties.Builder().contentType("application/json").build(),
						"{\"title\":\"prefixed\"}".getBytes(StandardCharsets.UTF_8));
				assertThat(client.next("notification").path("title").asString()).isEqualTo("prefixed");
				client.request("{\"type\":\"subscribe_clan_chat\",\"clanId\":\"c1\"}");
				client.request("{\"type\":\"chat\",\"clanId\":\"c1\",\"content\":\"hi\"}");
				String key;
				do {
					key = toBackend.poll(10, TimeUnit.SECONDS);
				}
				while (key != null && !key.endsWith("chat.message.c1"));
				assertThat(key).isEqualTo(prefix + "chat.message.c1");
			}
			channel.exchangeDelete(exchange);
			channel.exchangeDelete(clientExchange);
		}
	}

}
