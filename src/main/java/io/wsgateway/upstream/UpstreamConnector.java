package io.wsgateway.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.wsgateway.handshake.HandshakeEvents;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Pairs a client handshake with an upstream connection: tries the route's candidates in
 * the load balancer's order, each through its circuit breaker, and feeds every attempt's
 * outcome to the target's passive health and circuit. Runs on the handshake's thread and
 * waits at most {@code connect-timeout} per target tried.
 */
@Component
class UpstreamConnector {

	private static final Logger logger = LoggerFactory.getLogger(UpstreamConnector.class);

	// Jetty fails the attempt itself at connect-timeout; this only guards against a future
	// that is never completed.
	private static final Duration GUARD = Duration.ofSeconds(1);

	private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

	private final UpstreamClient client;

	private final UpstreamRegistry registry;

	private final HandshakeEvents events;

	UpstreamConnector(UpstreamClient client, UpstreamRegistry registry, HandshakeEvents events) {
		this.client = client;
		this.registry = registry;
		this.events = events;
	}

	/** What the handshake asks of the upstream. */
	record Request(String connectionId, String rawPath, String rawQuery, String hashKey,
			Map<String, List<String>> headers, List<String> subprotocols) {

	}

	/** How the attempt to pair a handshake ended. */
	sealed interface Result permits Connected, Refused {

	}

	/** An upstream connection is open and waits for the client side. */
	record Connected(UpstreamBridge bridge) implements Result {

	}

	/**
	 * No upstream connection: the handshake is answered with {@code status}.
	 * @param retryAfter for a 503, when a circuit half-opens; otherwise {@code null}
	 */
	record Refused(int status, Duration retryAfter, String reason, UpstreamRegistry.Outcome outcome)
			implements Result {

	}

	/**
	 * Called by a route's handshake interceptor once the gateway's own checks passed.
	 * Returns {@link Connected} with the first target that accepted, else the refusal:
	 * 503 when every target's circuit is open, the target's own status when it refused
	 * with a 4xx, 502 otherwise. Never waits longer than connect-timeout per target tried.
	 */
	Result connect(UpstreamRoute route, Request request) {
		for (UpstreamTarget target : route.candidates(request.hashKey())) {
			if (!target.circuit().tryAcquirePermission()) {
				continue;
			}
			Result result = attempt(route, target, request);
			if (result != null) {
				return result;
			}
		}
		if (route.targets().stream().allMatch(UpstreamTarget::circuitOpen)) {
			Duration retryAfter = route.targets()
				.stream()
				.map(UpstreamTarget::untilHalfOpen)
				.min(Duration::compareTo)
				.filter((wait) -> wait.compareTo(MIN_RETRY_AFTER) > 0)
				.orElse(MIN_RETRY_AFTER);
			return new Refused(503, retryAfter, "upstream unavailable, try again later",
					UpstreamRegistry.Outcome.CIRCUIT_OPEN);
		}
		return new Refused(502, null, "no upstream available", UpstreamRegistry.Outcome.BAD_GATEWAY);
	}

	// Returns null when the target failed and the next one should be tried.
	private Result attempt(UpstreamRoute route, UpstreamTarget target, Request request) {
		Duration timeout = route.settings().connectTimeout();
		URI uri = route.upstreamUri(target, request.rawPath(), request.rawQuery());
		UpstreamBridge bridge = new UpstreamBridge(request.connectionId(), target, route.settings(), this.registry,
				this.events);
		long start = System.nanoTime();
		target.connecting();
		CompletableFuture<Session> connecting = this.client.connect(bridge.upstreamListener(), uri, request.headers(),
				request.subprotocols(), timeout);
		try {
			connecting.get(timeout.plus(GUARD).toMillis(), TimeUnit.MILLISECONDS);
			target.circuit().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			target.succeeded(false);
			return new Connected(bridge);
		}
		catch (ExecutionException ex) {
			int status = UpstreamFailures.refusalStatus(ex.getCause());
			if (status >= 400 && status < 500) {
				// the target is up and answered; it just does not want this client
				target.circuit().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				target.succeeded(false);
				return new Refused(status, null, "refused by the upstream service", UpstreamRegistry.Outcome.REFUSED);
			}
			failed(target, start, ex.getCause());
			return null;
		}
		catch (TimeoutException ex) {
			connecting.cancel(true);
			bridge.abandon();
			failed(target, start, ex);
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			connecting.cancel(true);
			bridge.abandon();
			target.circuit().releasePermission();
			return new Refused(502, null, "no upstream available", UpstreamRegistry.Outcome.BAD_GATEWAY);
		}
		finally {
			target.connectingEnded();
		}
	}

	private void failed(UpstreamTarget target, long start, Throwable failure) {
		target.circuit().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, failure);
		String description = UpstreamFailures.describe(failure);
		target.failed(false, description);
		this.registry.connectFailed(target);
		logger.debug("Upstream {} could not be reached: {}", target, description);
	}

}
