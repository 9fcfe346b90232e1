package io.wsgateway.session;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.jetty.websocket.core.CoreSession;

import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * One connection on Jetty's core WebSocket API, from its accepted handshake to its end,
 * seen through Spring's {@link WebSocketSession}: what the endpoint's
 * {@link WebSocketHandler} chain receives. It owns the connection's admission lease and
 * gives it back exactly once: when the connection has closed (whether or not it opened
 * successfully), or when its upgrade failed before it opened.
 *
 * <p>Sending goes through {@link ClientSession}'s bounded send path. The handshake request
 * is not kept, which is what keeps an idle connection small: {@link #getHandshakeHeaders()}
 * is empty and {@link #getUri()} has no query (where the token may be); the verified
 * identity is the {@link #getPrincipal() principal}.
 */
final class GatewayConnection implements WebSocketSession {

	private static final VarHandle LEASE = lease();

	// Until the connection opens: from then on its session holds what the handshake established.
	private AcceptedHandshake handshake;

	private volatile AdmissionLease lease;

	private final GatewayWebSocketHandler endpoint;

	private final WebSocketHandler handler;

	private CoreSession coreSession;

	private ClientSession session;

	private volatile Map<String, Object> attributes;

	GatewayConnection(AcceptedHandshake handshake, GatewayWebSocketHandler endpoint, WebSocketHandler handler) {
		this.handshake = handshake;
		this.lease = handshake.lease();
		this.endpoint = endpoint;
		this.handler = handler;
	}

	/**
	 * Returns the gateway's session behind a {@link WebSocketSession} of the endpoint, through
	 * any {@link WebSocketSessionDecorator} an application wrapped it in.
	 * @throws IllegalArgumentException for a session of another endpoint
	 */
	static ClientSession clientSession(WebSocketSession session) {
		if (WebSocketSessionDecorator.unwrap(session) instanceof GatewayConnection connection) {
			return connection.session;
		}
		throw new IllegalArgumentException("Not a session of the gateway's endpoint: " + session);
	}

	/** Returns the connection's session, or {@code null} before it opened. */
	ClientSession session() {
		return this.session;
	}

	/** Called when the connection is open: the handler chain learns of it. */
	void opened(CoreSession coreSession) throws Exception {
		this.coreSession = coreSession;
		this.session = this.endpoint.newSession(this.handshake, new JettyFrameTransport(coreSession));
		this.handshake = null;
		this.handler.afterConnectionEstablished(this);
	}

	/** Called for each complete text message, one at a time. */
	void text(String payload, int bytes) throws Exception {
		this.endpoint.received(this.session, bytes);
		this.handler.handleMessage(this, new TextMessage(payload));
	}

	/** Called when the transport failed; the close that follows is reported to {@link #closed}. */
	void transportError(Throwable cause) throws Exception {
		if (this.session != null) {
			this.handler.handleTransportError(this, cause);
		}
	}

	/**
	 * Called once when the connection has ended, however it ended, also after a failed open:
	 * the handler chain learns of it (if the connection opened far enough to have a session),
	 * and the lease is given back whatever the chain did.
	 */
	void closed(CloseStatus status) throws Exception {
		try {
			if (this.session != null) {
				this.handler.afterConnectionClosed(this, status);
			}
		}
		finally {
			release();
		}
	}

	/** Called for each ping: counted against the message rate and answered with a pong. */
	void ping(byte[] payload) {
		this.endpoint.ping(this.session, payload);
	}

	/** Called for each pong: activity, not a message. */
	void pong() {
		this.session.recordInbound(-1);
	}

	/** Called when a binary message starts: the protocol is text only. */
	void binary() {
		this.endpoint.binary(this.session);
	}

	/** Called when the handler chain failed on a message or a transport error. */
	void failed(Throwable cause) {
		this.endpoint.internalError(this.session, cause);
	}

	/** Called when the handler chain failed on the connection's close. */
	void closeFailed(Throwable cause) {
		this.endpoint.closeFailed(getId(), cause);
	}

	/** Called when opening failed; Jetty then closes the connection with 1011. */
	void openFailed(Throwable cause) {
		this.endpoint.openFailed(getId(), cause);
	}

	/**
	 * Called when the upgrade failed after the handshake checks had passed: a connection that
	 * never opened never closes, so its lease is given back here.
	 */
	void abandoned() {
		if (this.coreSession == null) {
			release();
		}
	}

	private void release() {
		AdmissionLease taken = (AdmissionLease) LEASE.getAndSet(this, null);
		if (taken != null) {
			this.endpoint.release(taken, getId());
		}
	}

	@Override
	public String getId() {
		ClientSession opened = this.session;
		return (opened != null) ? opened.id() : this.handshake.connectionId();
	}

	/** Returns the path the client connected to, without the query (the token may be in it). */
	@Override
	public URI getUri() {
		URI uri = this.coreSession.getRequestURI();
		try {
			return new URI(uri.getScheme(), uri.getAuthority(), uri.getPath(), null, null);
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Returns no headers: the handshake's are not kept (they may carry the token). */
	@Override
	public HttpHeaders getHandshakeHeaders() {
		return HttpHeaders.EMPTY;
	}

	/** Returns this connection's attributes, empty at first, for decorators to keep state in. */
	@Override
	public Map<String, Object> getAttributes() {
		Map<String, Object> map = this.attributes;
		if (map == null) {
			synchronized (this) {
				map = this.attributes;
				if (map == null) {
					map = new ConcurrentHashMap<>();
					this.attributes = map;
				}
			}
		}
		return map;
	}

	/**
	 * Returns the identity of the connection's current token (its name is the user id), or
	 * {@code null} for a connection accepted without a token.
	 */
	@Override
	public Principal getPrincipal() {
		ClientIdentity identity = this.session.identity();
		return identity.anonymous() ? null : identity;
	}

	@Override
	public InetSocketAddress getLocalAddress() {
		return inet(this.coreSession.getLocalAddress());
	}

	/**
	 * Returns the address of the connection's peer, which is a proxy's when the client is
	 * behind one; the client IP after trusted-proxy resolution is {@link ClientSession#ip()}.
	 */
	@Override
	public InetSocketAddress getRemoteAddress() {
		return inet(this.coreSession.getRemoteAddress());
	}

	private static InetSocketAddress inet(SocketAddress address) {
		return (address instanceof InetSocketAddress inet) ? inet : null;
	}

	@Override
	public String getAcceptedProtocol() {
		return this.coreSession.getNegotiatedSubProtocol();
	}

	@Override
	public void setTextMessageSizeLimit(int messageSizeLimit) {
		this.coreSession.setMaxTextMessageSize(messageSizeLimit);
	}

	@Override
	public int getTextMessageSizeLimit() {
		return (int) Math.min(Integer.MAX_VALUE, this.coreSession.getMaxTextMessageSize());
	}

	@Override
	public void setBinaryMessageSizeLimit(int messageSizeLimit) {
		this.coreSession.setMaxBinaryMessageSize(messageSizeLimit);
	}

	@Override
	public int getBinaryMessageSizeLimit() {
		return (int) Math.min(Integer.MAX_VALUE, this.coreSession.getMaxBinaryMessageSize());
	}

	@Override
	public List<WebSocketExtension> getExtensions() {
		return this.coreSession.getNegotiatedExtensions()
			.stream()
			.map((extension) -> new WebSocketExtension(extension.getName(), extension.getParameters()))
			.toList();
	}

	/**
	 * Queues a whole text message on the connection's bounded send path and returns at once;
	 * counted in metrics under the type {@code unknown}.
	 * @throws IOException if the message was dropped because the connection is closing or
	 * just overflowed
	 * @throws IllegalArgumentException for a message other than a whole text message: the
	 * protocol is text only
	 */
	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		if (!(message instanceof TextMessage text) || !text.isLast()) {
			throw new IllegalArgumentException("Only whole text messages can be sent, not " + message);
		}
		if (!this.session.send(OutboundFrame.of(text.getPayload(), "unknown"))) {
			throw new IOException("Connection " + getId() + " is closing: the message was dropped");
		}
	}

	@Override
	public boolean isOpen() {
		return this.session != null && this.session.isOpen();
	}

	@Override
	public void close() {
		close(CloseStatus.NORMAL);
	}

	/** Closes the connection after the frames already queued have been written. */
	@Override
	public void close(CloseStatus status) {
		this.session.close(status);
	}

	@Override
	public String toString() {
		return "GatewayConnection[id=" + getId() + "]";
	}

	private static VarHandle lease() {
		try {
			return MethodHandles.lookup().findVarHandle(GatewayConnection.class, "lease", AdmissionLease.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

}
