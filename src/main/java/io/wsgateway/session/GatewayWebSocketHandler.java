package io.wsgateway.session;

import java.util.Map;

import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * The gateway's endpoint: turns each accepted connection into a registered
 * {@link ClientSession}, hands text messages to the {@link InboundMessageHandler}, closes
 * on binary frames (1003), and unregisters the session when the connection ends.
 */
@Component
public class GatewayWebSocketHandler implements WebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(GatewayWebSocketHandler.class);

	private static final String CLIENT_SESSION = "gateway.clientSession";

	private final SessionRegistry registry;

	private final InboundMessageHandler inbound;

	private final SendLimits limits;

	GatewayWebSocketHandler(SessionRegistry registry, InboundMessageHandler inbound, WebSocketProperties properties) {
		this.registry = registry;
		this.inbound = inbound;
		this.limits = SendLimits.from(properties);
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession webSocketSession) {
		Map<String, Object> attributes = webSocketSession.getAttributes();
		Session jetty = ((NativeWebSocketSession) webSocketSession).getNativeSession(Session.class);
		String connectionId = (String) attributes.get(HandshakeAttributes.CONNECTION_ID);
		ClientIdentity identity = (ClientIdentity) attributes.get(HandshakeAttributes.IDENTITY);
		String userAgent = webSocketSession.getHandshakeHeaders().getFirst("User-Agent");
		ClientSession session = new ClientSession(connectionId, identity,
				(String) attributes.get(HandshakeAttributes.CLIENT_IP), userAgent, new JettyFrameTransport(jetty),
				this.limits, this.registry.frameEvents());
		attributes.put(CLIENT_SESSION, session);
		try (LogContext context = LogContext.of(session)) {
			session.send(this.inbound.connectedFrame(session));
			this.registry.register(session);
			if (this.registry.isDraining()) {
				session.close(GatewayCloseStatus.GOING_AWAY);
			}
			logger.debug("Connection opened from {}", session.ip());
		}
	}

	@Override
	public void handleMessage(WebSocketSession webSocketSession, WebSocketMessage<?> message) {
		ClientSession session = clientSession(webSocketSession);
		if (session == null) {
			return;
		}
		if (message instanceof TextMessage text) {
			String payload = text.getPayload();
			int bytes = OutboundFrame.utf8Length(payload);
			session.recordInbound(bytes);
			this.registry.frameEvents().frameReceived(session, bytes);
			try (LogContext context = LogContext.of(session)) {
				this.inbound.onMessage(session, payload);
			}
		}
		else if (message instanceof PongMessage) {
			session.recordInbound(-1);
		}
		else if (message instanceof BinaryMessage) {
			session.recordInbound(-1);
			session.close(GatewayCloseStatus.BINARY_NOT_ACCEPTED);
		}
	}

	@Override
	public void handleTransportError(WebSocketSession webSocketSession, Throwable exception) {
		ClientSession session = clientSession(webSocketSession);
		logger.debug("Transport error on connection {}: {}", (session != null) ? session.id() : webSocketSession.getId(),
				exception.toString());
	}

	@Override
	public void afterConnectionClosed(WebSocketSession webSocketSession, CloseStatus status) {
		Map<String, Object> attributes = webSocketSession.getAttributes();
		ClientSession session = clientSession(webSocketSession);
		if (session != null) {
			try (LogContext context = LogContext.of(session)) {
				this.registry.unregister(session, status);
				logger.debug("Connection closed with {}", status.getCode());
			}
		}
		if (attributes.remove(HandshakeAttributes.ADMISSION_LEASE) instanceof AutoCloseable lease) {
			try {
				lease.close();
			}
			catch (Exception ex) {
				logger.error("Could not release the admission slot of connection {}", webSocketSession.getId(), ex);
			}
		}
	}

	@Override
	public boolean supportsPartialMessages() {
		return false;
	}

	private static ClientSession clientSession(WebSocketSession webSocketSession) {
		return (ClientSession) webSocketSession.getAttributes().get(CLIENT_SESSION);
	}

}
