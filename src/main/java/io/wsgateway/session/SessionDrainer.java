package io.wsgateway.session;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Drains the node on shutdown: readiness goes to refusing traffic, new handshakes get
 * 503, every open connection is closed with 1001, and shutdown continues once they are
 * gone or half of {@code spring.lifecycle.timeout-per-shutdown-phase} has passed.
 *
 * <p>Runs in the highest phase, so before the web server's own graceful shutdown.
 */
@Component
class SessionDrainer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SessionDrainer.class);

	private static final Duration POLL = Duration.ofMillis(20);

	private final SessionRegistry registry;

	private final ApplicationEventPublisher publisher;

	private final Duration maxWait;

	private volatile boolean running;

	SessionDrainer(SessionRegistry registry, ApplicationEventPublisher publisher,
			@Value("${spring.lifecycle.timeout-per-shutdown-phase:30s}") Duration shutdownPhaseTimeout) {
		this.registry = registry;
		this.publisher = publisher;
		this.maxWait = shutdownPhaseTimeout.dividedBy(2);
	}

	@Override
	public void start() {
		this.registry.resume();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
		int open = this.registry.size();
		this.registry.drain();
		long deadline = System.nanoTime() + this.maxWait.toNanos();
		while (this.registry.size() > 0 && System.nanoTime() < deadline) {
			try {
				Thread.sleep(POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		logger.info("Drained {} connection(s) with 1001; {} still open", open, this.registry.size());
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

	// Pausing a context (as test frameworks do with cached contexts) must not drop every client.
	@Override
	public boolean isPauseable() {
		return false;
	}

}
