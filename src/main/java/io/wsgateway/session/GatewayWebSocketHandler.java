package io.wsgateway.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The gateway's {@code /ws} endpoint, a Spring {@link WebSocketHandler}: registers each
 * opened connection's {@link ClientSession} after queueing its {@code connected} frame,
 * hands its text messages to the {@link InboundMessageHandler}, and unregisters the session
 * when the connection ends.
 *
 * <p>The connections are Jetty core WebSocket connections ({@link GatewayUpgradeHandler})
 * adapted to Spring's contract: each is a {@link WebSocketSession} ({@link GatewayConnection})
 * and reaches this handler through the decorators of the endpoint (the logging context, then
 * every {@code WebSocketHandlerDecoratorFactory} bean), which call it as Spring calls a
 * handler. What Spring's contract has no place for stays outside the chain: pings (counted
 * against the message rate and answered on the bounded send path) and binary messages
 * (closed with 1003), and the session's frame counters.
 */
@Component
public class GatewayWebSocketHandler implements WebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(GatewayWebSocketHandler.class);

	private final SessionRegistry registry;

	private final InboundMessageHandler inbound;

	private final SendLimits limits;

	GatewayWebSocketHandler(SessionRegistry registry, InboundMessageHandler inbound, WebSocketProperties properties) {
		this.registry = registry;
		this.inbound = inbound;
		this.limits = SendLimits.from(properties);
	}

	/** Sends {@code connected} and registers the session. */
	@Override
	public void afterConnectionEstablished(WebSocketSession connection) {
		ClientSession session = GatewayConnection.clientSession(connection);
		session.send(this.inbound.connectedFrame(session));
		this.registry.register(session);
		if (this.registry.isDraining()) {
			session.close(GatewayCloseStatus.GOING_AWAY);
		}
		logger.debug("Connection opened from {}", session.ip());
	}

	/** Hands a text message to the {@link InboundMessageHandler}; called one at a time per connection. */
	@Override
	public void handleMessage(WebSocketSession connection, WebSocketMessage<?> message) {
		if (!(message instanceof TextMessage text)) {
			throw new IllegalArgumentException("Only text messages are handled, not " + message);
		}
		this.inbound.onMessage(GatewayConnection.clientSession(connection), text.getPayload());
	}

	/** Logs the failure; the close that follows is reported to {@link #afterConnectionClosed}. */
	@Override
	public void handleTransportError(WebSocketSession connection, Throwable cause) {
		logger.debug("Transport error on connection {}: {}", connection.getId(), cause.toString());
	}

	/** Unregisters the session, once, however the connection ended. */
	@Override
	public void afterConnectionClosed(WebSocketSession connection, CloseStatus status) {
		this.registry.unregister(GatewayConnection.clientSession(connection), status);
		logger.debug("Connection closed with {}", status.getCode());
	}

	@Override
	public boolean supportsPartialMessages() {
		return false;
	}

	/** Creates the session of a connection that has just opened. */
	ClientSession newSession(AcceptedHandshake handshake, FrameTransport transport) {
		return new ClientSession(handshake.connectionId(), handshake.identity(), handshake.clientIp(),
				handshake.userAgent(), transport, this.limits, this.registry.frameEvents());
	}

	/**
	 * Called for each complete, valid UTF-8 text message before the handler chain sees it:
	 * counts it on the session and reports it to the {@link SessionEvents}.
	 * @param bytes the message's size in UTF-8 bytes
	 */
	void received(ClientSession session, int bytes) {
		session.recordInbound(bytes);
		this.registry.frameEvents().frameReceived(session, bytes);
	}

	/**
	 * Called for each ping from the client: counts it against the message rate (which closes
	 * with 4008, without {@code rate_limited} frames) and answers it with a pong on the
	 * session's bounded send path.
	 * @param payload the ping's payload, copied out of the frame
	 */
	void ping(ClientSession session, byte[] payload) {
		session.recordInbound(-1);
		this.inbound.onPing(session);
		session.pong(payload);
	}

	/** Called when a binary message starts: the protocol is text only. */
	void binary(ClientSession session) {
		session.recordInbound(-1);
		session.close(GatewayCloseStatus.BINARY_NOT_ACCEPTED);
	}

	/**
	 * Called when handling a message or a transport error failed unexpectedly: logs the
	 * exception once, with the connection id, and closes with 1011 and a fixed text that
	 * carries nothing of it.
	 */
	void internalError(ClientSession session, Throwable cause) {
		try (LogContext context = LogContext.of(session)) {
			logger.error("Handling a message failed on connection {}", session.id(), cause);
		}
		session.close(GatewayCloseStatus.serverError(session.id()));
	}

	/** Called when opening the connection failed; Jetty then closes it with 1011. */
	void openFailed(String connectionId, Throwable cause) {
		logger.error("Opening connection {} failed", connectionId, cause);
	}

	/** Called when the handler chain failed on a connection's close; the close goes on. */
	void closeFailed(String connectionId, Throwable cause) {
		logger.error("Closing connection {} failed", connectionId, cause);
	}

	/** Gives a connection's admission slots back; called once per accepted handshake. */
	void release(AdmissionLease lease, String connectionId) {
		try {
			lease.close();
		}
		catch (RuntimeException ex) {
			logger.error("Could not release the admission slot of connection {}", connectionId, ex);
		}
	}

}
