package io.wsgateway.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.wsgateway.testsupport.LogCapture;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.CloseException;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A connection's life on a core session that does no I/O, driven as Jetty drives a
 * {@link ConnectionFrameHandler}: the admission lease is given back exactly once on every
 * path, and the endpoint's handler chain is called as Spring calls a {@link WebSocketHandler}.
 */
class GatewayConnectionTests {

	private final AtomicInteger releases = new AtomicInteger();

	private final SessionRegistry registry = TestSessions.registry();

	private final List<String> received = new ArrayList<>();

	private final GatewayWebSocketHandler endpoint = new GatewayWebSocketHandler(this.registry,
			new InboundMessageHandler() {

				@Override
				public OutboundFrame connectedFrame(ClientSession session) {
					return OutboundFrame.of("{\"type\":\"connected\"}", "connected");
				}

				@Override
				public void onMessage(ClientSession session, String text) {
					GatewayConnectionTests.this.received.add(text);
				}

				@Override
				public void onPing(ClientSession session) {
				}

			}, new WebSocketProperties("/ws", List.of(), DataSize.ofKilobytes(512), Duration.ofSeconds(30),
					Duration.ofMinutes(5), DataSize.ofMegabytes(1), Duration.ofSeconds(10), false));

	private final AcceptedHandshake handshake = new AcceptedHandshake(UUID.randomUUID().toString(),
			TestSessions.identity("alice"), "192.0.2.1", "test-agent", this.releases::incrementAndGet);

	@Test
	void givesTheLeaseBackOnceWhenAnOpenConnectionCloses() {
		GatewayConnection connection = connection(this.endpoint);
		ConnectionFrameHandler frames = new ConnectionFrameHandler(connection);
		assertThat(open(frames)).isNull();
		assertThat(this.registry.get(this.handshake.connectionId())).isNotNull();
		assertThat(this.releases).hasValue(0);

		close(frames, 1000);
		connection.abandoned();
		close(frames, 1006);
		assertThat(this.releases).hasValue(1);
		assertThat(this.registry.size()).isZero();
	}

	@Test
	void givesTheLeaseBackOnceWhenOpeningFailsAndLeavesNothingRegistered() {
		// fails after the endpoint registered the session, as a decorator's own work might
		WebSocketHandler failing = new WebSocketHandlerDecorator(this.endpoint) {

			@Override
			public void afterConnectionEstablished(WebSocketSession session) throws Exception {
				super.afterConnectionEstablished(session);
				throw new IllegalStateException("decorator failed");
			}

		};
		GatewayConnection connection = connection(failing);
		ConnectionFrameHandler frames = new ConnectionFrameHandler(connection);
		Throwable failure;
		try (LogCapture log = LogCapture.capture(Level.ERROR, GatewayWebSocketHandler.class.getName())) {
			failure = open(frames);
			assertThat(log.messages()).singleElement().asString().contains(this.handshake.connectionId());
		}
		assertThat(failure).isInstanceOfSatisfying(CloseException.class,
				(close) -> assertThat(close.getStatusCode()).isEqualTo(1011));
		assertThat(failure.getMessage()).isEqualTo("internal error, connection " + this.handshake.connectionId());

		// Jetty closes a connection whose open failed, and reports it as closed
		close(frames, 1011);
		connection.abandoned();
		assertThat(this.releases).hasValue(1);
		assertThat(this.registry.size()).isZero();
	}

	@Test
	void givesTheLeaseBackOnceWhenTheUpgradeFailsAfterTheChecks() {
		GatewayConnection connection = connection(this.endpoint);
		connection.abandoned();
		connection.abandoned();
		assertThat(this.releases).hasValue(1);
	}

	@Test
	void givesTheLeaseBackEvenWhenTheHandlerChainFailsOnClose() {
		WebSocketHandler failing = new WebSocketHandlerDecorator(this.endpoint) {

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
				throw new IllegalStateException("decorator failed");
			}

		};
		ConnectionFrameHandler frames = new ConnectionFrameHandler(connection(failing));
		open(frames);
		try (LogCapture log = LogCapture.capture(Level.ERROR, GatewayWebSocketHandler.class.getName())) {
			close(frames, 1000);
			assertThat(log.messages()).hasSize(1);
		}
		assertThat(this.releases).hasValue(1);
	}

	@Test
	void callsTheHandlerChainAsSpringDoesWithTheSessionInTheLoggingContext() {
		List<String> calls = new ArrayList<>();
		WebSocketHandler recording = new WebSocketHandlerDecorator(this.endpoint) {

			@Override
			public void afterConnectionEstablished(WebSocketSession session) throws Exception {
				calls.add("established " + session.getPrincipal().getName() + " " + MDC.get(LogContext.USER_ID));
				super.afterConnectionEstablished(session);
			}

			@Override
			public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
				calls.add("message " + ((TextMessage) message).getPayload() + " "
						+ MDC.get(LogContext.CONNECTION_ID).equals(session.getId()));
				super.handleMessage(session, message);
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) throws Exception {
				calls.add("closed " + status.getCode());
				super.afterConnectionClosed(session, status);
			}

		};
		GatewayConnection connection = connection(recording);
		ConnectionFrameHandler frames = new ConnectionFrameHandler(connection);
		open(frames);
		frames.onFrame(new Frame(OpCode.TEXT, "{\"type\":\"echo\"}"), Callback.NOOP);
		frames.onFrame(new Frame(OpCode.PING, "ping"), Callback.NOOP);
		close(frames, 1000);

		assertThat(calls).containsExactly("established alice alice", "message {\"type\":\"echo\"} true", "closed 1000");
		assertThat(this.received).containsExactly("{\"type\":\"echo\"}");
		assertThat(MDC.get(LogContext.CONNECTION_ID)).isNull();
		assertThat(this.endpoint.supportsPartialMessages()).isFalse();
	}

	@Test
	void actsAsASpringSessionOverTheGatewaysSession() throws Exception {
		GatewayConnection connection = connection(this.endpoint);
		open(new ConnectionFrameHandler(connection));
		ClientSession session = connection.session();

		assertThat(connection.getId()).isEqualTo(this.handshake.connectionId());
		assertThat(connection.getPrincipal()).isEqualTo(session.identity());
		assertThat(connection.getHandshakeHeaders().isEmpty()).isTrue();
		connection.getAttributes().put("seen", true);
		assertThat(connection.getAttributes()).containsEntry("seen", true);
		assertThat(connection.isOpen()).isTrue();

		long queued = session.bytesOut();
		connection.sendMessage(new TextMessage("{\"type\":\"note\"}"));
		assertThat(session.bytesOut() - queued).isEqualTo("{\"type\":\"note\"}".getBytes(StandardCharsets.UTF_8).length);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> connection.sendMessage(new TextMessage("{\"type\":", false)));

		connection.close(CloseStatus.POLICY_VIOLATION);
		assertThat(session.requestedCloseStatus()).isEqualTo(CloseStatus.POLICY_VIOLATION);
		assertThat(connection.isOpen()).isFalse();
	}

	@Test
	void hasNoPrincipalForAnAnonymousConnection() {
		AcceptedHandshake anonymous = new AcceptedHandshake("c1", ClientIdentity.anonymous("c1"), "192.0.2.1", null,
				this.releases::incrementAndGet);
		GatewayConnection connection = new GatewayConnection(anonymous, this.endpoint,
				new LogContextHandlerDecorator(this.endpoint));
		open(new ConnectionFrameHandler(connection));
		assertThat(connection.getPrincipal()).isNull();
		assertThat(connection.session().userId()).isEqualTo("anon-c1");
	}

	private GatewayConnection connection(WebSocketHandler handler) {
		return new GatewayConnection(this.handshake, this.endpoint, new LogContextHandlerDecorator(handler));
	}

	/** Opens as Jetty does; returns what the open callback failed with, or {@code null}. */
	private static Throwable open(ConnectionFrameHandler frames) {
		Throwable[] failure = new Throwable[1];
		frames.onOpen(new CoreSession.Empty(), Callback.from(() -> {
		}, (ex) -> failure[0] = ex));
		return failure[0];
	}

	private static void close(ConnectionFrameHandler frames, int code) {
		frames.onClosed(new org.eclipse.jetty.websocket.core.CloseStatus(code), Callback.NOOP);
	}

}
