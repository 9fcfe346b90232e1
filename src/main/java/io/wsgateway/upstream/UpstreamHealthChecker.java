package io.wsgateway.upstream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Active health checks: every {@code health-check.interval} each target of a route with
 * checks enabled gets a WebSocket handshake (with {@value #HEADER}) and a ping, and must
 * answer the pong within {@code health-check.timeout}. One thread only schedules; the
 * checks themselves are asynchronous, and a target is never checked twice at once.
 */
@Component
class UpstreamHealthChecker implements SmartLifecycle {

	/** Sent with every check, so that a target can tell checks from clients. */
	static final String HEADER = "X-Gateway-Health-Check";

	private static final byte[] PING = "gateway-health-check".getBytes(StandardCharsets.US_ASCII);

	private final UpstreamRegistry registry;

	private final UpstreamClient client;

	private final Set<UpstreamTarget> inFlight = ConcurrentHashMap.newKeySet();

	private volatile ScheduledExecutorService scheduler;

	private volatile boolean running;

	UpstreamHealthChecker(UpstreamRegistry registry, UpstreamClient client) {
		this.registry = registry;
		this.client = client;
	}

	@Override
	public void start() {
		List<UpstreamRoute> checked = this.registry.routes()
			.stream()
			.filter((route) -> route.settings().healthCheck().enabled())
			.toList();
		this.running = true;
		if (checked.isEmpty()) {
			return;
		}
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "gateway-upstream-health");
			thread.setDaemon(true);
			return thread;
		});
		for (UpstreamRoute route : checked) {
			long interval = route.settings().healthCheck().interval().toMillis();
			for (UpstreamTarget target : route.targets()) {
				scheduler.scheduleWithFixedDelay(() -> check(route, target), interval, interval, TimeUnit.MILLISECONDS);
			}
		}
		this.scheduler = scheduler;
	}

	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService scheduler = this.scheduler;
		this.scheduler = null;
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// Same phase as UpstreamClient, which it depends on: started after it, stopped before it.
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 1;
	}

	/**
	 * Starts one check of {@code target} unless one is still under way; returns at once.
	 * The result goes to the target's health when the check ends.
	 */
	void check(UpstreamRoute route, UpstreamTarget target) {
		if (!this.inFlight.add(target)) {
			return;
		}
		UpstreamProperties.HealthCheck settings = route.settings().healthCheck();
		Probe probe = new Probe();
		CompletableFuture<Session> connecting = this.client.connect(probe, route.healthCheckUri(target),
				Map.of(HEADER, List.of("1")), List.of(), settings.timeout());
		connecting.whenComplete((session, failure) -> {
			if (failure != null) {
				probe.result.completeExceptionally(failure);
			}
		});
		probe.result.orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, failure) -> {
			connecting.cancel(true);
			probe.close();
			this.inFlight.remove(target);
			if (failure == null) {
				target.succeeded(true);
			}
			else {
				target.failed(true, UpstreamFailures.describe(failure));
			}
		});
	}

	/**
	 * The listener of one check's connection: pings when open, succeeds on the pong. Public
	 * only because Jetty calls listeners through method handles, which need a public class.
	 */
	public static final class Probe implements Session.Listener.AutoDemanding {

		final CompletableFuture<Void> result = new CompletableFuture<>();

		private volatile Session session;

		@Override
		public void onWebSocketOpen(Session session) {
			this.session = session;
			if (this.result.isDone()) {
				// timed out while connecting: close() has already run
				close();
				return;
			}
			session.sendPing(ByteBuffer.wrap(PING), Callback.from(() -> {
			}, this.result::completeExceptionally));
		}

		@Override
		public void onWebSocketPong(ByteBuffer payload) {
			this.result.complete(null);
		}

		@Override
		public void onWebSocketError(Throwable cause) {
			this.result.completeExceptionally(cause);
		}

		@Override
		public void onWebSocketClose(int statusCode, String reason, Callback callback) {
			this.result.completeExceptionally(new IllegalStateException("closed with " + statusCode + " before the pong"));
			callback.succeed();
		}

		void close() {
			Session session = this.session;
			if (session != null && session.isOpen()) {
				session.close(CloseCodes.NORMAL, "health check", Callback.NOOP);
			}
		}

	}

}
