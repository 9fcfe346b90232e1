package io.wsgateway.session;

import java.util.Map;

import org.eclipse.jetty.websocket.core.CoreSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * The gateway's endpoint: turns each accepted connection into a registered
 * {@link ClientSession}, hands its text messages to the {@link InboundMessageHandler}, and
 * unregisters the session when the connection ends. {@link GatewayUpgradeHandler} asks it
 * for one {@link ConnectionFrameHandler} per accepted handshake.
 */
@Component
public class GatewayWebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(GatewayWebSocketHandler.class);

	private final SessionRegistry registry;

	private final InboundMessageHandler inbound;

	private final SendLimits limits;

	GatewayWebSocketHandler(SessionRegistry registry, InboundMessageHandler inbound, WebSocketProperties properties) {
		this.registry = registry;
		this.inbound = inbound;
		this.limits = SendLimits.from(properties);
	}

	/**
	 * Called once the handshake checks have passed, before the 101 response; returns the
	 * handler of the connection's frames.
	 * @param attributes what the checks recorded ({@link HandshakeAttributes})
	 * @param userAgent the handshake's {@code User-Agent}, or {@code null}
	 */
	ConnectionFrameHandler newConnection(Map<String, Object> attributes, String userAgent) {
		return new ConnectionFrameHandler(this, (String) attributes.get(HandshakeAttributes.CONNECTION_ID),
				(ClientIdentity) attributes.get(HandshakeAttributes.IDENTITY),
				(String) attributes.get(HandshakeAttributes.CLIENT_IP), userAgent,
				(AutoCloseable) attributes.get(HandshakeAttributes.ADMISSION_LEASE));
	}

	/** Called when the connection is open: sends {@code connected} and registers the session. */
	ClientSession opened(CoreSession coreSession, String connectionId, ClientIdentity identity, String ip,
			String userAgent) {
		ClientSession session = new ClientSession(connectionId, identity, ip, userAgent,
				new JettyFrameTransport(coreSession), this.limits, this.registry.frameEvents());
		try (LogContext context = LogContext.of(session)) {
			session.send(this.inbound.connectedFrame(session));
			this.registry.register(session);
			if (this.registry.isDraining()) {
				session.close(GatewayCloseStatus.GOING_AWAY);
			}
			logger.debug("Connection opened from {}", session.ip());
		}
		return session;
	}

	/**
	 * Called for each complete, valid UTF-8 text message, one at a time per connection.
	 * @param bytes the message's size in UTF-8 bytes
	 */
	void text(ClientSession session, String payload, int bytes) {
		session.recordInbound(bytes);
		this.registry.frameEvents().frameReceived(session, bytes);
		try (LogContext context = LogContext.of(session)) {
			this.inbound.onMessage(session, payload);
		}
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

	/**
	 * Called when handling a message failed unexpectedly: logs the exception once, with the
	 * connection id, and closes with 1011 and a fixed text that carries nothing of it.
	 */
	void internalError(ClientSession session, Throwable cause) {
		try (LogContext context = LogContext.of(session)) {
			logger.error("Handling a message failed on connection {}", session.id(), cause);
		}
		session.close(GatewayCloseStatus.serverError(session.id()));
	}

	/** Called when opening the connection failed; Jetty then closes it with 1011. */
	void openFailed(String connectionId, RuntimeException cause) {
		logger.error("Opening connection {} failed", connectionId, cause);
	}

	/** Called when a binary message starts: the protocol is text only. */
	void binary(ClientSession session) {
		session.recordInbound(-1);
		session.close(GatewayCloseStatus.BINARY_NOT_ACCEPTED);
	}

	/** Called once when the connection has ended, however it ended. */
	void closed(ClientSession session, String connectionId, CloseStatus status, AutoCloseable lease) {
		if (session != null) {
			try (LogContext context = LogContext.of(session)) {
				this.registry.unregister(session, status);
				logger.debug("Connection closed with {}", status.getCode());
			}
		}
		release(lease, connectionId);
	}

	/** Gives a connection's admission slots back; called when it ended or its handshake failed. */
	void release(Object lease, String connectionId) {
		if (lease instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.error("Could not release the admission slot of connection {}", connectionId, ex);
			}
		}
	}

	/** Called when the connection failed; the close that follows is reported to {@link #closed}. */
	void failed(String connectionId, Throwable cause) {
		logger.debug("Transport error on connection {}: {}", connectionId, cause.toString());
	}

}
