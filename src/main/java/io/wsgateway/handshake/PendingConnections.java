package io.wsgateway.handshake;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.AbstractMetaDataConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Bounds the connections that have not yet completed a request, on every connector it is
 * {@linkplain #install installed} on (the application's, and the management port's if one
 * is set): a connection whose request line and headers are not complete within
 * {@code handshake-timeout} of its start is closed, and a peer address that already holds
 * {@code max-pending-per-ip} such connections has its further ones closed at once. A
 * trusted proxy's address is exempt from the cap, not from the deadline. A connection stops
 * being pending when its first request's headers are complete; from then on the per-IP
 * limits of the handshake and Jetty's idle timeout apply.
 *
 * <p>Enforced where Jetty accepts connections (a {@link Connection.Listener} on the
 * connector and a {@link HttpConfiguration.Customizer}, called once a request's headers
 * are parsed), so that it covers every request, the API's and Actuator's included, before
 * any of them reaches a handler. One thread sweeps the pending connections for their
 * deadline, as {@code SessionTimers} does for sessions.
 */
@Component
public class PendingConnections implements Connection.Listener, HttpConfiguration.Customizer, SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PendingConnections.class);

	private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final long timeoutNanos;

	private final int maxPerIp;

	private final ClientIpResolver ipResolver;

	private final HandshakeEvents events;

	private final Duration tick;

	// Keyed by the network end point: a TLS connection's HTTP connection sits on a decrypted
	// end point of its own, the same TCP connection.
	private final Map<EndPoint, Pending> pending = new ConcurrentHashMap<>();

	private final Map<String, Integer> pendingPerIp = new ConcurrentHashMap<>();

	private final Map<String, Long> lastWarned = new ConcurrentHashMap<>();

	private ScheduledExecutorService sweeper;

	PendingConnections(AdmissionProperties properties, ClientIpResolver ipResolver, HandshakeEvents events) {
		this.timeoutNanos = properties.handshakeTimeout().toNanos();
		this.maxPerIp = properties.maxPendingPerIp();
		this.ipResolver = ipResolver;
		this.events = events;
		Duration quarter = properties.handshakeTimeout().dividedBy(4);
		this.tick = (quarter.compareTo(Duration.ofSeconds(1)) > 0) ? Duration.ofSeconds(1)
				: (quarter.compareTo(Duration.ofMillis(50)) < 0) ? Duration.ofMillis(50) : quarter;
	}

	/**
	 * Puts these limits on every connector of {@code server}; installing twice on the same
	 * connector changes nothing. Called by a server customizer before the server starts.
	 */
	public void install(Server server) {
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof AbstractConnector network && !network.getEventListeners().contains(this)) {
				network.addEventListener(this);
				HttpConnectionFactory http = network.getConnectionFactory(HttpConnectionFactory.class);
				if (http != null) {
					http.getHttpConfiguration().addCustomizer(this);
				}
			}
		}
	}

	/** Called by Jetty for each new connection on an installed connector. */
	@Override
	public void onOpened(Connection connection) {
		EndPoint endPoint = connection.getEndPoint();
		// Only the first connection of a TCP connection: plain HTTP, or TLS (whose HTTP
		// connection, on the decrypted end point, follows); not what a request upgraded to.
		boolean first = connection instanceof SslConnection || connection instanceof AbstractMetaDataConnection;
		if (!first || endPoint instanceof EndPoint.Wrapper) {
			return;
		}
		String ip = ip(endPoint.getRemoteSocketAddress());
		boolean capped = !this.ipResolver.isTrustedProxy(ip);
		if (capped && this.pendingPerIp.merge(ip, 1, Integer::sum) > this.maxPerIp) {
			release(ip);
			this.events.pendingClosed(PendingCloseReason.PER_IP);
			warn(ip);
			endPoint.close();
			return;
		}
		this.pending.put(endPoint, new Pending(capped ? ip : null, System.nanoTime()));
	}

	/** Called by Jetty when a connection closed; a pending one gives its place back. */
	@Override
	public void onClosed(Connection connection) {
		EndPoint endPoint = connection.getEndPoint();
		if (!(endPoint instanceof EndPoint.Wrapper)) {
			completed(endPoint);
		}
	}

	/** Called by Jetty once a request's line and headers are complete: the connection is no longer pending. */
	@Override
	public Request customize(Request request, HttpFields.Mutable responseHeaders) {
		EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
		while (endPoint instanceof EndPoint.Wrapper wrapper) {
			endPoint = wrapper.unwrap();
		}
		completed(endPoint);
		return request;
	}

	/** Returns the connections open without a completed request. */
	public int size() {
		return this.pending.size();
	}

	private void completed(EndPoint endPoint) {
		Pending done = this.pending.remove(endPoint);
		if (done != null && done.ip() != null) {
			release(done.ip());
		}
	}

	private void release(String ip) {
		this.pendingPerIp.computeIfPresent(ip, (key, count) -> (count > 1) ? count - 1 : null);
	}

	void sweep() {
		long now = System.nanoTime();
		this.pending.forEach((endPoint, connection) -> {
			if (now - connection.startedNanos() > this.timeoutNanos && this.pending.remove(endPoint, connection)) {
				if (connection.ip() != null) {
					release(connection.ip());
				}
				this.events.pendingClosed(PendingCloseReason.TIMEOUT);
				endPoint.close();
			}
		});
		this.lastWarned.values().removeIf((warned) -> now - warned > WARN_EVERY_NANOS);
	}

	// At most one line per address and minute: an attacker must not be able to flood the log.
	private void warn(String ip) {
		long now = System.nanoTime();
		boolean[] due = new boolean[1];
		this.lastWarned.compute(ip, (key, warned) -> {
			due[0] = warned == null || now - warned > WARN_EVERY_NANOS;
			return due[0] ? now : warned;
		});
		if (due[0]) {
			logger.warn("Closing connections from {}: more than {} open without a completed request"
					+ " (gateway.admission.max-pending-per-ip); logged once a minute per address", ip, this.maxPerIp);
		}
	}

	private static String ip(SocketAddress address) {
		if (address instanceof InetSocketAddress inet) {
			return (inet.getAddress() != null) ? inet.getAddress().getHostAddress() : inet.getHostString();
		}
		return String.valueOf(address);
	}

	@Override
	public void start() {
		this.sweeper = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "gateway-pending-connections");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.tick.toMillis();
		this.sweeper.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		this.sweeper.shutdownNow();
		this.sweeper = null;
	}

	@Override
	public boolean isRunning() {
		return this.sweeper != null;
	}

	/** Why a connection without a completed request was closed, the tag of its meter. */
	public enum PendingCloseReason {

		/** Its request line and headers were not complete within {@code handshake-timeout}. */
		TIMEOUT("timeout"),

		/** Its address already held {@code max-pending-per-ip} pending connections. */
		PER_IP("per_ip");

		private final String tag;

		PendingCloseReason(String tag) {
			this.tag = tag;
		}

		/** Returns the meter's tag value. */
		public String tag() {
			return this.tag;
		}

	}

	private record Pending(String ip, long startedNanos) {
	}

}
