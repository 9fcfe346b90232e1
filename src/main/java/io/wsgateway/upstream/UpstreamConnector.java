package io.wsgateway.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.wsgateway.handshake.HandshakeEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Pairs a client handshake with an upstream connection: tries the route's candidates in
 * the load balancer's order, each through its circuit breaker, and feeds every attempt's
 * outcome to the target's passive health and circuit. Asynchronous: no thread waits for a
 * target, each attempt ends at the latest after {@code connect-timeout}.
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

	/**
	 * What the handshake asks of the upstream.
	 * @param query the query to forward, already filtered by the route, or {@code null}
	 */
	record Request(String connectionId, String rawPath, String query, String hashKey,
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
	 * Called once the client's upgrade passed every check of the gateway; returns at once.
	 * The future completes, on one of the upstream client's threads, with
	 * {@link Connected} and the first target that accepted, else the refusal: 503 when
	 * every target's circuit is open, the target's own status when it refused with a 4xx,
	 * 502 otherwise (a redirect included: it is never followed). Completes at the latest
	 * connect-timeout per target tried after the call.
	 */
	CompletableFuture<Result> connect(UpstreamRoute route, Request request) {
		CompletableFuture<Result> result = new CompletableFuture<>();
		tryNext(route, request, route.candidates(request.hashKey()).iterator(), result);
		return result;
	}

	private void tryNext(UpstreamRoute route, Request request, Iterator<UpstreamTarget> candidates,
			CompletableFuture<Result> result) {
		while (candidates.hasNext()) {
			UpstreamTarget target = candidates.next();
			if (target.circuit().tryAcquirePermission()) {
				attempt(route, target, request).whenComplete((attempted, failure) -> {
					if (attempted != null) {
						result.complete(attempted);
					}
					else if (failure != null) {
						result.completeExceptionally(failure);
					}
					else {
						tryNext(route, request, candidates, result);
					}
				});
				return;
			}
		}
		result.complete(noTarget(route));
	}

	private static Refused noTarget(UpstreamRoute route) {
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

	// Completes with null when the target failed and the next one should be tried.
	private CompletableFuture<Result> attempt(UpstreamRoute route, UpstreamTarget target, Request request) {
		Duration timeout = route.settings().connectTimeout();
		URI uri = route.upstreamUri(target, request.rawPath(), request.query());
		UpstreamBridge bridge = new UpstreamBridge(request.connectionId(), target, route.settings(), this.registry,
				this.events);
		long start = System.nanoTime();
		target.connecting();
		return this.client.connect(bridge.upstreamListener(), uri, request.headers(), request.subprotocols(), timeout)
			.orTimeout(timeout.plus(GUARD).toMillis(), TimeUnit.MILLISECONDS)
			.handle((session, failure) -> {
				target.connectingEnded();
				if (failure == null) {
					target.circuit().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
					target.succeeded(false);
					return new Connected(bridge);
				}
				Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure;
				int status = UpstreamFailures.refusalStatus(cause);
				if (status >= 400 && status < 500) {
					// the target is up and answered; it just does not want this client
					target.circuit().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
					target.succeeded(false);
					return new Refused(status, null, "refused by the upstream service",
							UpstreamRegistry.Outcome.REFUSED);
				}
				// no connection, a timeout, or any other answer (a 3xx too): the target failed
				bridge.abandon();
				failed(target, start, cause);
				return null;
			});
	}

	private void failed(UpstreamTarget target, long start, Throwable failure) {
		target.circuit().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, failure);
		String description = UpstreamFailures.describe(failure);
		target.failed(false, description);
		this.registry.connectFailed(target);
		logger.debug("Upstream {} could not be reached: {}", target, description);
	}

}
