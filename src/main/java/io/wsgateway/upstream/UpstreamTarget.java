package io.wsgateway.upstream;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend service of a route with its live state: health (active checks and failed
 * connection attempts), its circuit breaker, and its open connections.
 */
final class UpstreamTarget {

	private static final Logger logger = LoggerFactory.getLogger(UpstreamTarget.class);

	private final String routeId;

	private final String name;

	private final URI uri;

	private final int weight;

	private final UpstreamProperties.HealthCheck health;

	private final CircuitBreaker circuit;

	private final Duration openDuration;

	private final AtomicInteger connections = new AtomicInteger();

	private final AtomicInteger connecting = new AtomicInteger();

	private volatile boolean healthy = true;

	private int failuresInARow;

	private int successesInARow;

	private volatile Instant lastCheck;

	private volatile String lastError;

	private volatile long openedAtNanos = System.nanoTime();

	UpstreamTarget(String routeId, UpstreamProperties.Target target, UpstreamProperties.HealthCheck health,
			UpstreamProperties.CircuitBreakerSettings settings) {
		this.routeId = routeId;
		this.name = target.name();
		this.uri = target.url();
		this.weight = target.weight();
		this.health = health;
		this.openDuration = settings.waitDurationInOpenState();
		this.circuit = CircuitBreaker.of(routeId + "/" + this.name, CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(settings.slidingWindowSize())
			.minimumNumberOfCalls(settings.minimumNumberOfCalls())
			.failureRateThreshold(settings.failureRateThreshold())
			.waitDurationInOpenState(settings.waitDurationInOpenState())
			.permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
			.build());
		// Resilience4j does not say when an open circuit half-opens; Retry-After needs it.
		this.circuit.getEventPublisher().onStateTransition((event) -> {
			if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
				this.openedAtNanos = System.nanoTime();
			}
			logger.info("Upstream {}: circuit {}", this, event.getStateTransition());
		});
	}

	String routeId() {
		return this.routeId;
	}

	String name() {
		return this.name;
	}

	URI uri() {
		return this.uri;
	}

	int weight() {
		return this.weight;
	}

	CircuitBreaker circuit() {
		return this.circuit;
	}

	/** Returns whether the target may get new connections as far as health checks know. */
	boolean healthy() {
		return this.healthy;
	}

	/** Returns whether the circuit breaker refuses every attempt for now (open, not yet half-open). */
	boolean circuitOpen() {
		CircuitBreaker.State state = this.circuit.getState();
		return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
	}

	/**
	 * Returns whether the circuit breaker would let an attempt through now: closed,
	 * half-open, or open and due to half-open (only an attempt moves it there).
	 */
	boolean circuitAdmits() {
		return switch (this.circuit.getState()) {
			case OPEN -> untilHalfOpen().isZero();
			case FORCED_OPEN -> false;
			default -> true;
		};
	}

	/** Returns how long until the open circuit lets a trial attempt through, at least zero. */
	Duration untilHalfOpen() {
		Duration left = this.openDuration.minusNanos(System.nanoTime() - this.openedAtNanos);
		return left.isNegative() ? Duration.ZERO : left;
	}

	/** Returns open connections plus connection attempts under way: what least-connections balances. */
	int load() {
		return this.connections.get() + this.connecting.get();
	}

	/** Returns the open proxied connections to this target. */
	int connections() {
		return this.connections.get();
	}

	/** Called when a client's connection attempt to this target starts. */
	void connecting() {
		this.connecting.incrementAndGet();
	}

	/** Called when a connection attempt ended, whether or not it succeeded. */
	void connectingEnded() {
		this.connecting.decrementAndGet();
	}

	/** Called when a proxied upstream connection opened. */
	void opened() {
		this.connections.incrementAndGet();
	}

	/** Called once when a proxied upstream connection that {@link #opened()} has closed. */
	void closed() {
		this.connections.decrementAndGet();
	}

	/** Called after a successful active check, or a successful connection attempt of a client. */
	synchronized void succeeded(boolean activeCheck) {
		this.failuresInARow = 0;
		if (activeCheck) {
			this.lastCheck = Instant.now();
			this.lastError = null;
			// only active checks bring an unhealthy target back: clients never reach one
			if (!this.healthy && ++this.successesInARow >= this.health.healthyThreshold()) {
				this.healthy = true;
				this.successesInARow = 0;
				logger.info("Upstream {} is healthy again", this);
			}
		}
	}

	/** Called after a failed active check, or a failed connection attempt of a client. */
	synchronized void failed(boolean activeCheck, String error) {
		this.successesInARow = 0;
		this.lastError = error;
		if (activeCheck) {
			this.lastCheck = Instant.now();
		}
		// Without active checks nothing could ever mark the target healthy again: leave it
		// to the circuit breaker.
		if (this.health.enabled() && this.healthy && ++this.failuresInARow >= this.health.unhealthyThreshold()) {
			this.healthy = false;
			this.failuresInARow = 0;
			logger.info("Upstream {} marked unhealthy: {}", this, error);
		}
	}

	/** Returns the target's state for {@code /actuator/websocket}. */
	UpstreamRegistry.TargetSnapshot snapshot() {
		return new UpstreamRegistry.TargetSnapshot(this.name, displayUrl(this.uri), this.weight, this.healthy,
				this.circuit.getState().name(), this.connections.get(),
				(this.lastCheck != null) ? this.lastCheck.toString() : null, this.lastError);
	}

	// Never show credentials or query parameters of a configured URL.
	static String displayUrl(URI uri) {
		return uri.getScheme() + "://" + uri.getHost() + ((uri.getPort() != -1) ? ":" + uri.getPort() : "")
				+ ((uri.getRawPath() != null) ? uri.getRawPath() : "");
	}

	@Override
	public String toString() {
		return this.routeId + "/" + this.name;
	}

}
