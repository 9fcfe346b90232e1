package io.wsgateway.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.wsgateway.session.ClientSession;
import io.wsgateway.session.OutboundFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Hands one encoded frame to many sessions. A room of fewer than {@value #PARALLEL_FROM}
 * members is served on the calling thread, as a plain loop. A larger one is split by session
 * into {@code gateway.rooms.fan-out-threads} fixed shares: the calling thread serves the first
 * share and one single-threaded helper per other share serves its own, so a large fan-out
 * uses more than one core and no longer holds the publishing connection's thread for all of
 * it. The member set is read once, on the calling thread. A session always falls in the same
 * share and each helper serves its shares in the order they were handed over, so what one
 * connection publishes to a room still reaches every member in the order it was sent.
 * {@link ClientSession#send} never blocks, so a slow member delays nobody.
 *
 * <p>Each helper holds at most {@code gateway.rooms.fan-out-backlog} messages that wait for
 * it. Many publishers at once each serve their own first share in parallel, while every
 * other share queues for its one helper; without a bound that queue, and the delay of the
 * members behind it, would grow for as long as the publishing lasts. With a full backlog
 * the publishing thread waits for room, so publishers slow down to what the helpers
 * deliver: a client's messages stay unread in its socket, a broker's events in its queue.
 * A helper that stops, before or while a share waits for it, hands the share back to the
 * publishing thread, which delivers it itself.
 */
@Component
class FanOut implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(FanOut.class);

	/** Rooms with at least this many local members are served by more than one thread. */
	static final int PARALLEL_FROM = 256;

	private final ThreadPoolExecutor[] helpers;

	@Autowired
	FanOut(FanOutProperties properties) {
		this(properties.fanOutThreads(), properties.fanOutBacklog());
	}

	/**
	 * A fan-out over {@code threads} threads in all, the caller's included, where each
	 * helper holds at most {@code backlog} waiting messages.
	 */
	FanOut(int threads, int backlog) {
		this.helpers = new ThreadPoolExecutor[threads - 1];
		for (int i = 0; i < this.helpers.length; i++) {
			String name = "gateway-fan-out-" + (i + 1);
			this.helpers[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(backlog),
					(task) -> {
						Thread thread = new Thread(task, name);
						thread.setDaemon(true);
						return thread;
					}, FanOut::waitForRoom);
		}
	}

	/**
	 * Called when a helper's backlog is full: puts the share at the end of the queue once
	 * there is room, so it still comes after the shares handed over before it.
	 * @throws RejectedExecutionException when the helper stopped, before or while the share
	 * waited, so that the caller delivers the share itself
	 */
	static void waitForRoom(Runnable share, ThreadPoolExecutor helper) {
		if (helper.isShutdown()) {
			throw new RejectedExecutionException("fan-out helper stopped");
		}
		try {
			helper.getQueue().put(share);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RejectedExecutionException("interrupted while waiting for the fan-out backlog", ex);
		}
		// Stopped while the share waited: its thread may have run out of work and ended already,
		// leaving the share in a queue nobody reads. Taking it back, as ThreadPoolExecutor does
		// with a task that races its shutdown, hands it to the caller; if the helper took it
		// first, it runs there.
		if (helper.isShutdown() && helper.remove(share)) {
			throw new RejectedExecutionException("fan-out helper stopped");
		}
	}

	/** Sends {@code frame} to every member except the connection {@code excluded} (may be {@code null}). */
	void deliver(Collection<ClientSession> members, OutboundFrame frame, String excluded) {
		int shares = this.helpers.length + 1;
		if (shares == 1 || members.size() < PARALLEL_FROM) {
			sendAll(members, frame, excluded);
			return;
		}
		List<List<ClientSession>> split = new ArrayList<>(shares);
		int expected = members.size() / shares + 16;
		for (int i = 0; i < shares; i++) {
			split.add(new ArrayList<>(expected));
		}
		for (ClientSession member : members) {
			split.get(Math.floorMod(System.identityHashCode(member), shares)).add(member);
		}
		for (int i = 1; i < shares; i++) {
			List<ClientSession> share = split.get(i);
			try {
				this.helpers[i - 1].execute(() -> sendAll(share, frame, excluded));
			}
			catch (RejectedExecutionException ex) {
				// shutting down or interrupted: deliver here rather than drop
				sendAll(share, frame, excluded);
			}
		}
		sendAll(split.get(0), frame, excluded);
	}

	private static void sendAll(Collection<ClientSession> members, OutboundFrame frame, String excluded) {
		for (ClientSession member : members) {
			if (excluded == null || !member.hasId(excluded)) {
				try {
					member.send(frame);
				}
				catch (RuntimeException ex) {
					logger.error("Fan-out to connection {} failed", member.id(), ex);
				}
			}
		}
	}

	@Override
	public void destroy() {
		for (ThreadPoolExecutor helper : this.helpers) {
			helper.shutdown();
		}
	}

}
