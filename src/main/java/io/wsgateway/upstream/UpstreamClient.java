package io.wsgateway.upstream;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The gateway's WebSocket client towards upstream targets (Jetty's, asynchronous), used by
 * client handshakes and health checks. It never follows a redirect. Started only when routes are configured. On
 * shutdown it closes every proxied connection with 1001 before it stops, after the
 * session drainer has stopped new handshakes.
 */
@Component
class UpstreamClient implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(UpstreamClient.class);

	// No thread waits for a target, so a few per core carry every handshake and relayed frame.
	private static final int MAX_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

	private static final int MIN_THREADS = 2;

	private static final Duration POLL = Duration.ofMillis(20);

	private final UpstreamRegistry registry;

	private final WebSocketClient client;

	private final Duration drainWait;

	private volatile boolean running;

	UpstreamClient(UpstreamRegistry registry,
			@Value("${spring.lifecycle.timeout-per-shutdown-phase:30s}") Duration shutdownPhaseTimeout) {
		this.registry = registry;
		this.drainWait = shutdownPhaseTimeout.dividedBy(2);
		QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
		threads.setName("gateway-upstream");
		threads.setDaemon(true);
		HttpClient http = new HttpClient();
		http.setExecutor(threads);
		// A target's 3xx is its failure: following it would let a target send the gateway, with
		// the client's verified identity, to any address instead of the route's own targets.
		http.setFollowRedirects(false);
		// Every waiting handshake holds its own connection; the routes' caps bound them, not Jetty's
		// defaults (64 connections, then a queue), which would make handshakes wait behind others.
		int pending = registry.routes()
			.stream()
			.mapToInt((route) -> route.settings().maxPendingHandshakes() + route.targets().size())
			.sum();
		http.setMaxConnectionsPerDestination(Math.max(pending, http.getMaxConnectionsPerDestination()));
		http.setMaxRequestsQueuedPerDestination(Math.max(pending, http.getMaxRequestsQueuedPerDestination()));
		this.client = new WebSocketClient(http);
		this.client.setStopAtShutdown(false);
	}

	/**
	 * Starts a WebSocket handshake with {@code uri}; returns at once. The future completes
	 * with the open session (after {@code listener} saw it open) or fails, with a
	 * {@link java.util.concurrent.TimeoutException} after {@code timeout}.
	 * @param listener a Jetty {@link Session.Listener} for the connection
	 * @param headers handshake headers to send
	 * @param subprotocols the {@code Sec-WebSocket-Protocol} offers, possibly none
	 */
	CompletableFuture<Session> connect(Session.Listener listener, URI uri, Map<String, List<String>> headers,
			List<String> subprotocols, Duration timeout) {
		ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
		headers.forEach(request::setHeader);
		if (!subprotocols.isEmpty()) {
			request.setSubProtocols(subprotocols);
		}
		request.setTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
		try {
			return this.client.connect(listener, request);
		}
		catch (IOException | RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public void start() {
		if (!this.registry.routes().isEmpty()) {
			try {
				this.client.start();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Could not start the upstream WebSocket client", ex);
			}
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		int open = this.registry.bridges().size();
		this.registry.bridges().forEach(UpstreamBridge::shutdown);
		long deadline = System.nanoTime() + this.drainWait.toNanos();
		while (!this.registry.bridges().isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		if (open > 0) {
			logger.info("Closed {} upstream connection(s) with 1001; {} still open", open, this.registry.bridges().size());
		}
		try {
			this.client.stop();
		}
		catch (Exception ex) {
			logger.warn("Could not stop the upstream WebSocket client: {}", ex.toString());
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// Just below SessionDrainer's phase: stopped after it has made the node refuse handshakes.
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 1;
	}

}
