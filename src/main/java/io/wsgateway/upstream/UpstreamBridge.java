package io.wsgateway.upstream;

import java.nio.ByteBuffer;

import io.wsgateway.handshake.HandshakeEvents;
import io.wsgateway.handshake.HandshakeOutcome;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection paired with its upstream connection: passes every frame through
 * as it came (text and binary fragments, pings, pongs) and maps close codes between the
 * two sides.
 *
 * <p>Backpressure: both sides demand frames explicitly, one at a time. A frame read from
 * one side is sent to the other, and only when that send has completed is the next frame
 * read. A side that reads slowly therefore stops the reading of the other side, and TCP
 * flow control pushes back to the sender; the gateway holds at most one frame per
 * direction.
 *
 * <p>The upstream connection is opened first, during the client's handshake; its frames
 * are not read until the client side is open too.
 */
final class UpstreamBridge {

	private static final Logger logger = LoggerFactory.getLogger(UpstreamBridge.class);

	private final String connectionId;

	private final UpstreamTarget target;

	private final UpstreamProperties.Route settings;

	private final UpstreamRegistry registry;

	private final HandshakeEvents events;

	private final ClientSide clientSide = new ClientSide();

	private final UpstreamSide upstreamSide = new UpstreamSide();

	private final Object lock = new Object();

	private volatile Session client;

	private volatile Session upstream;

	// guarded by lock
	private boolean clientClosed;

	private boolean upstreamClosed;

	private boolean abandoned;

	private int upstreamCloseCode;

	// set when Jetty found the target breaking the protocol; the client then gets 1014
	private volatile boolean upstreamProtocolError;

	private String upstreamCloseReason;

	private AutoCloseable lease;

	UpstreamBridge(String connectionId, UpstreamTarget target, UpstreamProperties.Route settings,
			UpstreamRegistry registry, HandshakeEvents events) {
		this.connectionId = connectionId;
		this.target = target;
		this.settings = settings;
		this.registry = registry;
		this.events = events;
	}

	/** Returns the listener of the client side, handed to Jetty when the client is upgraded. */
	Session.Listener clientListener() {
		return this.clientSide;
	}

	/** Returns the listener of the upstream side, handed to Jetty's client when connecting. */
	Session.Listener upstreamListener() {
		return this.upstreamSide;
	}

	UpstreamTarget target() {
		return this.target;
	}

	/** Returns the subprotocol the upstream accepted, for the client's 101; {@code null} if none. */
	String subprotocol() {
		Session upstream = this.upstream;
		String protocol = (upstream != null) ? upstream.getUpgradeResponse().getAcceptedSubProtocol() : null;
		return (protocol != null && !protocol.isEmpty()) ? protocol : null;
	}

	/**
	 * Called during the client's upgrade with the connection's admission slot, which is
	 * given back when the client side closes.
	 */
	void adoptLease(Object lease) {
		if (lease instanceof AutoCloseable closeable) {
			synchronized (this.lock) {
				this.lease = closeable;
			}
		}
	}

	/**
	 * Called when the client will never be attached (its upgrade failed, or the attempt
	 * timed out): gives the admission slot back and closes the upstream connection now or
	 * as soon as it opens.
	 */
	void abandon() {
		Session upstream;
		AutoCloseable lease;
		synchronized (this.lock) {
			this.abandoned = true;
			upstream = this.upstreamClosed ? null : this.upstream;
			lease = this.lease;
			this.lease = null;
		}
		release(lease);
		if (upstream != null) {
			upstream.close(CloseCodes.GOING_AWAY, "client handshake failed", Callback.NOOP);
		}
	}

	/** Called on shutdown: closes both sides with 1001. */
	void shutdown() {
		Session client;
		Session upstream;
		synchronized (this.lock) {
			client = this.clientClosed ? null : this.client;
			upstream = this.upstreamClosed ? null : this.upstream;
		}
		if (client != null) {
			client.close(CloseCodes.GOING_AWAY, "gateway shutting down", Callback.NOOP);
		}
		if (upstream != null) {
			upstream.close(CloseCodes.GOING_AWAY, "gateway shutting down", Callback.NOOP);
		}
	}

	private void configure(Session session) {
		session.setIdleTimeout(this.settings.idleTimeout());
		session.setMaxFrameSize(this.settings.maxFrameSize().toBytes());
		// frames leave as they came; none is larger than max-frame-size anyway
		session.setAutoFragment(false);
	}

	private void upstreamOpened(Session session) {
		configure(session);
		boolean abandon;
		synchronized (this.lock) {
			this.upstream = session;
			abandon = this.abandoned;
		}
		this.target.opened();
		this.registry.opened(this);
		if (abandon) {
			session.close(CloseCodes.GOING_AWAY, "client handshake failed", Callback.NOOP);
		}
	}

	private void clientOpened(Session session) {
		configure(session);
		boolean upstreamGone;
		int code;
		String reason;
		synchronized (this.lock) {
			this.client = session;
			upstreamGone = this.upstreamClosed;
			code = this.upstreamCloseCode;
			reason = this.upstreamCloseReason;
		}
		this.events.handshake(HandshakeOutcome.ACCEPTED);
		logger.debug("Connection {} proxied to upstream {}", this.connectionId, this.target);
		if (upstreamGone) {
			closeClient(session, code, reason);
			return;
		}
		session.demand();
		this.upstream.demand();
	}

	private void clientClosed(int code, String reason) {
		Session upstream;
		AutoCloseable lease;
		synchronized (this.lock) {
			if (this.clientClosed) {
				return;
			}
			this.clientClosed = true;
			upstream = this.upstreamClosed ? null : this.upstream;
			lease = this.lease;
			this.lease = null;
		}
		logger.debug("Connection {} closed by the client with {}", this.connectionId, code);
		release(lease);
		if (upstream != null) {
			upstream.close(CloseCodes.toUpstream(code), CloseCodes.toUpstreamReason(code, reason), Callback.NOOP);
		}
	}

	private void upstreamClosed(int code, String reason) {
		Session client;
		boolean opened;
		synchronized (this.lock) {
			if (this.upstreamClosed) {
				return;
			}
			this.upstreamClosed = true;
			this.upstreamCloseCode = code;
			this.upstreamCloseReason = reason;
			opened = this.upstream != null;
			client = this.clientClosed ? null : this.client;
		}
		logger.debug("Connection {}: upstream {} closed with {}", this.connectionId, this.target, code);
		if (opened) {
			this.target.closed();
			this.registry.closed(this);
		}
		if (client != null) {
			closeClient(client, code, reason);
		}
	}

	private void closeClient(Session client, int code, String reason) {
		if (this.upstreamProtocolError) {
			client.close(CloseCodes.BAD_GATEWAY, CloseCodes.PROTOCOL_ERROR_REASON, Callback.NOOP);
		}
		else {
			client.close(CloseCodes.toClient(code), CloseCodes.toClientReason(code, reason), Callback.NOOP);
		}
	}

	private void release(AutoCloseable lease) {
		if (lease == null) {
			return;
		}
		try {
			lease.close();
		}
		catch (Exception ex) {
			logger.error("Could not release the admission slot of connection {}", this.connectionId, ex);
		}
	}

	/**
	 * Returns the callback of sending one frame from {@code source} to {@code destination}:
	 * completes the received frame and only then asks {@code source} for the next one.
	 */
	private Callback relay(Session source, Session destination, Callback received) {
		return Callback.from(() -> {
			received.succeed();
			source.demand();
		}, (failure) -> {
			received.fail(failure);
			logger.debug("Connection {}: relaying a frame failed: {}", this.connectionId, failure.toString());
			// The destination's own close notification closes the source with a mapped code;
			// reading on lets the source's closing handshake complete meanwhile.
			if (destination.isOpen()) {
				destination.close(CloseCodes.SERVER_ERROR, "relay failed", Callback.NOOP);
			}
			source.demand();
		});
	}

	/**
	 * Jetty's listener of one of the bridged connections: every frame it reads goes to the
	 * other one. Public only because Jetty calls listeners through method handles, which need
	 * public classes.
	 */
	public abstract class Side implements Session.Listener {

		/** Returns the connection this side reads from; called only once it is open. */
		abstract Session source();

		/** Returns the connection this side's frames go to. */
		abstract Session destination();

		/** Returns the side's name in log lines. */
		abstract String name();

		@Override
		public void onWebSocketPartialText(String payload, boolean last) {
			destination().sendPartialText(payload, last, relay(source(), destination(), Callback.NOOP));
		}

		@Override
		public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
			destination().sendPartialBinary(payload, last, relay(source(), destination(), callback));
		}

		@Override
		public void onWebSocketPing(ByteBuffer payload) {
			destination().sendPing(payload, relay(source(), destination(), Callback.NOOP));
		}

		@Override
		public void onWebSocketPong(ByteBuffer payload) {
			destination().sendPong(payload, relay(source(), destination(), Callback.NOOP));
		}

		@Override
		public void onWebSocketError(Throwable cause) {
			logger.debug("Connection {}: {} side error: {}", connectionId, name(), cause.toString());
		}

	}

	/** The client's connection; its frames go to the upstream. */
	public final class ClientSide extends Side {

		@Override
		public void onWebSocketOpen(Session session) {
			clientOpened(session);
		}

		@Override
		public void onWebSocketClose(int statusCode, String reason, Callback callback) {
			clientClosed(statusCode, reason);
			callback.succeed();
		}

		@Override
		Session source() {
			return client;
		}

		@Override
		Session destination() {
			return upstream;
		}

		@Override
		String name() {
			return "client";
		}

	}

	/** The upstream connection; its frames go to the client. */
	public final class UpstreamSide extends Side {

		@Override
		public void onWebSocketOpen(Session session) {
			upstreamOpened(session);
		}

		@Override
		public void onWebSocketClose(int statusCode, String reason, Callback callback) {
			upstreamClosed(statusCode, reason);
			callback.succeed();
		}

		// Jetty reports a frame that breaks RFC 6455 here, before it closes with 1002 and its own text.
		@Override
		public void onWebSocketError(Throwable cause) {
			if (cause instanceof ProtocolException
					|| cause instanceof org.eclipse.jetty.websocket.core.exception.ProtocolException) {
				upstreamProtocolError = true;
			}
			super.onWebSocketError(cause);
		}

		@Override
		Session source() {
			return upstream;
		}

		@Override
		Session destination() {
			return client;
		}

		@Override
		String name() {
			return "upstream";
		}

	}

}
