package io.wsgateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Drives every session's clocks from one thread: heartbeat pings, heartbeat and idle
 * timeouts, token expiry, stuck writes and unanswered closes. One sweep over all sessions
 * costs far less than a timer per session.
 *
 * <p>The heartbeat, idle and write clocks run on the node's running time: a gap between two
 * sweeps longer than two ticks means the node itself did not run (a stopped process, a long
 * collection, a starved container), and the excess is left out. Otherwise the first sweep
 * after a pause would count it as every client's silence before the inbound threads had
 * read the pongs that arrived meanwhile.
 */
@Component
class SessionTimers implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SessionTimers.class);

	private static final Duration MIN_TICK = Duration.ofMillis(50);

	private static final Duration MAX_TICK = Duration.ofSeconds(1);

	private final SessionRegistry registry;

	private final SessionTimeouts timeouts;

	private final Duration tick;

	private final long maxGapNanos;

	private ScheduledExecutorService scheduler;

	// Both touched only by the timer thread, or before it starts.

	private long lastSweepEndNanos;

	private long pausedNanos;

	SessionTimers(SessionRegistry registry, WebSocketProperties properties, TokenExpiryGrace tokenGrace) {
		this.registry = registry;
		this.timeouts = SessionTimeouts.from(properties, tokenGrace);
		this.tick = tick(properties);
		this.maxGapNanos = 2 * this.tick.toNanos();
	}

	// A quarter of the shortest limit keeps each deadline's overshoot small.
	static Duration tick(WebSocketProperties properties) {
		Duration shortest = Stream.of(properties.heartbeatInterval(), properties.idleTimeout(), properties.sendTimeLimit())
			.min(Duration::compareTo)
			.orElseThrow()
			.dividedBy(4);
		if (shortest.compareTo(MIN_TICK) < 0) {
			return MIN_TICK;
		}
		return (shortest.compareTo(MAX_TICK) > 0) ? MAX_TICK : shortest;
	}

	void sweep() {
		long now = System.nanoTime();
		long gap = now - this.lastSweepEndNanos;
		if (gap > this.maxGapNanos) {
			this.pausedNanos += gap - this.maxGapNanos;
		}
		long running = now - this.pausedNanos;
		Instant wallClock = Instant.now();
		for (ClientSession session : this.registry.all()) {
			try {
				session.checkTimers(now, running, wallClock, this.timeouts);
			}
			catch (RuntimeException ex) {
				logger.error("Timer check failed for connection {}", session.id(), ex);
			}
		}
		this.lastSweepEndNanos = System.nanoTime();
	}

	@Override
	public void start() {
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "gateway-session-timers");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.tick.toMillis();
		this.lastSweepEndNanos = System.nanoTime();
		this.scheduler.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		this.scheduler.shutdownNow();
		this.scheduler = null;
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
