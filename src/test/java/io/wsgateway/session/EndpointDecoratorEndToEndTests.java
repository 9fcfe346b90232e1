package io.wsgateway.session;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code /ws} endpoint as a Spring {@link WebSocketHandler} on a real server: the
 * endpoint bean is one, and an application's {@link WebSocketHandlerDecoratorFactory} beans
 * wrap it in their order, their decorators seeing every connection's lifecycle and text
 * messages in the connection's logging context, as Spring would call them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "gateway.security.jwt.secret=" + TestTokens.SECRET)
@ActiveProfiles("test")
class EndpointDecoratorEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	static final List<String> calls = new CopyOnWriteArrayList<>();

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Test
	void theEndpointBeanIsASpringWebSocketHandler() {
		assertThat(this.context.getBean(GatewayWebSocketHandler.class)).isInstanceOf(WebSocketHandler.class);
		assertThat(this.context.getBeansOfType(WebSocketHandler.class).values())
			.contains(this.context.getBean(GatewayWebSocketHandler.class));
	}

	@Test
	void decoratorBeansSeeTheLifecycleAndTheMessagesInTheirOrder() {
		calls.clear();
		String connectionId;
		try (TestClient client = TestClient.connect(this.port, TestTokens.token("decorated"))) {
			connectionId = client.connectionId();
			var echoed = client.request("{\"type\":\"echo\",\"id\":\"1\",\"payload\":\"hi\"}");
			assertThat(echoed.path("type").asString()).isEqualTo("echo");
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(calls).containsExactly(
				"outer established decorated " + connectionId, "inner established decorated " + connectionId,
				"outer message {\"type\":\"echo\",\"id\":\"1\",\"payload\":\"hi\"} " + connectionId,
				"inner message {\"type\":\"echo\",\"id\":\"1\",\"payload\":\"hi\"} " + connectionId,
				"outer closed 1000 " + connectionId, "inner closed 1000 " + connectionId));
	}

	@TestConfiguration
	static class Decorators {

		// Applied in order as Spring applies decorator factories: the first wraps the endpoint,
		// the second wraps the first.
		@Bean
		@Order(1)
		WebSocketHandlerDecoratorFactory innerDecorator() {
			return (handler) -> new Recording("inner", handler);
		}

		@Bean
		@Order(2)
		WebSocketHandlerDecoratorFactory outerDecorator() {
			return (handler) -> new Recording("outer", handler);
		}

	}

	/** Records each call with the session's principal or the message, and the logging context's connection id. */
	static final class Recording extends WebSocketHandlerDecorator {

		private final String name;

		Recording(String name, WebSocketHandler delegate) {
			super(delegate);
			this.name = name;
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws Exception {
			record("established " + session.getPrincipal().getName());
			super.afterConnectionEstablished(session);
		}

		@Override
		public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
			record("message " + ((TextMessage) message).getPayload());
			super.handleMessage(session, message);
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
			record("closed " + closeStatus.getCode());
			super.afterConnectionClosed(session, closeStatus);
		}

		private void record(String call) {
			calls.add(this.name + " " + call + " " + MDC.get(LogContext.CONNECTION_ID));
		}

	}

}
