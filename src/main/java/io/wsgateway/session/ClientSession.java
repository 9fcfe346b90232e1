package io.wsgateway.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.springframework.web.socket.CloseStatus;

/**
 * One client connection: who it belongs to, what it is a member of, and the only path by
 * which anything is sent to it.
 *
 * <p>{@link #send} never blocks and may be called from any number of threads at once.
 * Frames from one thread arrive in the order that thread sent them. Frames wait in an
 * unbounded queue whose size in bytes is bounded by {@code send-buffer-limit}: past it, or
 * when one write stays unfinished longer than {@code send-time-limit} (checked by
 * {@link #checkTimers}), the connection is closed with 4010 and the frames still queued
 * are dropped, so a client that stops reading costs neither threads nor unbounded memory
 * and never delays anyone else. Pongs owed to the client take the same path, at most one
 * at a time ({@link #pong}).
 */
public final class ClientSession {

	private static final AtomicLong ACCEPTED = new AtomicLong();

	private static final VarHandle QUEUED_BYTES = field("queuedBytes", long.class);

	private static final VarHandle WRITING = field("writing", boolean.class);

	private static final VarHandle CLOSE_STATUS = field("closeStatus", CloseStatus.class);

	private static final VarHandle PENDING_PONG = field("pendingPong", OutboundFrame.class);

	private static final VarHandle DISCONNECT_REQUESTED = field("disconnectRequested", boolean.class);

	private static final VarHandle MESSAGES_IN = field("messagesIn", long.class);

	private static final VarHandle MESSAGES_OUT = field("messagesOut", long.class);

	private static final VarHandle BYTES_IN = field("bytesIn", long.class);

	private static final VarHandle BYTES_OUT = field("bytesOut", long.class);

	// Order of acceptance: a session is created before its client can see "connected", so
	// a client's next connection always has a higher number, whatever order they register in.
	private final long acceptOrder = ACCEPTED.incrementAndGet();

	private final String id;

	private final int idHash;

	private volatile ClientIdentity identity;

	private final String ip;

	private final String userAgent;

	private final Instant connectedAt = Instant.now();

	private final FrameTransport transport;

	private final SendLimits limits;

	private final SessionEvents events;

	private final Queue<OutboundFrame> queue = new ConcurrentLinkedQueue<>();

	// The send path's state lives in this object's own fields, not in Atomic* objects of its
	// own: a fan-out touches thousands of sessions in turn, each one's memory cold, and every
	// separate object is one more cache miss per delivery.

	private volatile long queuedBytes;

	private volatile boolean writing;

	private volatile CloseStatus closeStatus;

	private volatile boolean disconnectRequested;

	private volatile OutboundFrame pendingPong;

	private volatile long messagesIn;

	private volatile long messagesOut;

	private volatile long bytesIn;

	private volatile long bytesOut;

	private volatile long writeStartedNanos;

	private volatile long lastInboundNanos = System.nanoTime();

	private volatile long lastPingNanos = System.nanoTime();

	// The timer thread's own view of the clocks above, in the running time of SessionTimers
	// (which leaves out the node's own pauses), noted when it first sees each new value.

	private boolean timersStarted;

	private boolean pinged;

	private int unansweredPings;

	private long lastPingRunning;

	private long seenInboundNanos;

	private long lastInboundRunning;

	private long seenWriteStartedNanos;

	private long writeStartedRunning;

	private volatile long closeRequestedNanos;

	private volatile Instant lastActiveAt = this.connectedAt;

	private volatile Object rateLimiter;

	ClientSession(String id, ClientIdentity identity, String ip, String userAgent, FrameTransport transport,
			SendLimits limits, SessionEvents events) {
		this.id = id;
		this.idHash = id.hashCode();
		this.identity = identity;
		this.ip = ip;
		this.userAgent = userAgent;
		this.transport = transport;
		this.limits = limits;
		this.events = events;
	}

	/** Returns the connection id, unique on this node and across nodes. */
	public String id() {
		return this.id;
	}

	/**
	 * Returns whether this is the connection {@code connectionId}. Cheaper than comparing
	 * {@link #id()}s for a fan-out, which asks it of every member: the id's hash is kept in
	 * this object, so a member that is not the one looked for costs no read of its id.
	 */
	public boolean hasId(String connectionId) {
		return this.idHash == connectionId.hashCode() && this.id.equals(connectionId);
	}

	long acceptOrder() {
		return this.acceptOrder;
	}

	/** Returns the identity of the connection's current token. */
	public ClientIdentity identity() {
		return this.identity;
	}

	/**
	 * Replaces the connection's identity with that of a newer token of the same user, as a
	 * {@code refresh} does: its expiry becomes the connection's, and every
	 * {@link SessionEvents} sees the change before this returns. Called on the connection's
	 * inbound thread.
	 * @throws IllegalArgumentException if the new identity is another user's
	 */
	public void refreshIdentity(ClientIdentity refreshed) {
		ClientIdentity previous = this.identity;
		if (!previous.userId().equals(refreshed.userId())) {
			throw new IllegalArgumentException("a refresh cannot change the user");
		}
		this.identity = refreshed;
		this.events.identityChanged(this, previous);
	}

	/** Returns the user id, a shortcut for {@code identity().userId()}. */
	public String userId() {
		return this.identity.userId();
	}

	/** Returns the client IP after trusted-proxy resolution. */
	public String ip() {
		return this.ip;
	}

	/** Returns the handshake's {@code User-Agent}, or {@code null}. */
	public String userAgent() {
		return this.userAgent;
	}

	/** Returns when the connection was accepted. */
	public Instant connectedAt() {
		return this.connectedAt;
	}

	/** Returns when the client last sent anything (a message or a pong). */
	public Instant lastActiveAt() {
		return this.lastActiveAt;
	}

	/** Returns whether the connection is open and no close has been asked for. */
	public boolean isOpen() {
		return this.closeStatus == null && this.transport.isOpen();
	}

	/** Returns the close status this side asked for, or {@code null}. */
	public CloseStatus requestedCloseStatus() {
		return this.closeStatus;
	}

	/** Returns messages received from the client. */
	public long messagesIn() {
		return this.messagesIn;
	}

	/** Returns messages written to the client. */
	public long messagesOut() {
		return this.messagesOut;
	}

	/** Returns UTF-8 bytes received from the client in text messages. */
	public long bytesIn() {
		return this.bytesIn;
	}

	/** Returns UTF-8 bytes written to the client in text messages. */
	public long bytesOut() {
		return this.bytesOut;
	}

	/** Returns bytes accepted by {@link #send} and not yet written. */
	public long queuedBytes() {
		return this.queuedBytes;
	}

	/**
	 * Returns the per-connection object the message router keeps here (its rate limiter),
	 * created on first use so that idle connections do not pay for it.
	 */
	@SuppressWarnings("unchecked")
	public <T> T rateLimiter(Supplier<T> factory) {
		Object limiter = this.rateLimiter;
		if (limiter == null) {
			limiter = factory.get();
			this.rateLimiter = limiter;
		}
		return (T) limiter;
	}

	/**
	 * Queues a frame for this client and starts writing it if no write is under way.
	 * Returns at once.
	 * @return {@code false} if the frame was dropped because the connection is closing
	 * or just overflowed
	 */
	public boolean send(OutboundFrame frame) {
		if (this.closeStatus != null) {
			return false;
		}
		long before = (long) QUEUED_BYTES.getAndAdd(this, (long) frame.size());
		// A lone frame larger than the limit still goes out: only a backlog marks a slow reader.
		if (before > 0 && before + frame.size() > this.limits.bufferLimitBytes()) {
			QUEUED_BYTES.getAndAdd(this, (long) -frame.size());
			overflow();
			return false;
		}
		this.queue.offer(frame);
		flush();
		return true;
	}

	/**
	 * Answers a ping from the client: queues a pong with this payload or, while an earlier
	 * pong still waits, takes its place (RFC 6455 5.5.3 lets the latest ping alone be
	 * answered). A client that pings and never reads so holds at most one pong here, and is
	 * closed with 4010 by {@code send-buffer-limit} or {@code send-time-limit} as for
	 * messages. Called on the connection's inbound thread.
	 * @param payload the ping's payload, copied out of the frame
	 */
	void pong(byte[] payload) {
		if (this.closeStatus != null) {
			return;
		}
		OutboundFrame pong = OutboundFrame.pong(payload);
		long before = (long) QUEUED_BYTES.getAndAdd(this, (long) pong.size());
		OutboundFrame replaced = (OutboundFrame) PENDING_PONG.getAndSet(this, pong);
		if (replaced != null) {
			QUEUED_BYTES.getAndAdd(this, (long) -replaced.size());
			this.events.pongCoalesced(this);
			return;
		}
		if (before > 0 && before + pong.size() > this.limits.bufferLimitBytes()) {
			overflow();
			return;
		}
		this.queue.offer(OutboundFrame.PONG_DUE);
		flush();
	}

	/**
	 * Closes the connection after the frames already queued have been written. Later
	 * calls, and sends after this one, are ignored.
	 */
	public void close(CloseStatus status) {
		if (CLOSE_STATUS.compareAndSet(this, null, status)) {
			this.closeRequestedNanos = System.nanoTime();
			this.queue.offer(OutboundFrame.close(status));
			flush();
		}
	}

	/** Closes at once, dropping queued frames: for clients that do not read. */
	private void overflow() {
		if (CLOSE_STATUS.compareAndSet(this, null, GatewayCloseStatus.SLOW_CONSUMER)) {
			this.closeRequestedNanos = System.nanoTime();
			dropQueued();
			this.events.sendOverflow(this);
			CloseStatus status = GatewayCloseStatus.SLOW_CONSUMER;
			this.transport.close(status.getCode(), status.getReason());
		}
	}

	void recordInbound(int bytes) {
		this.lastInboundNanos = System.nanoTime();
		this.lastActiveAt = Instant.now();
		if (bytes >= 0) {
			MESSAGES_IN.getAndAdd(this, 1L);
			BYTES_IN.getAndAdd(this, (long) bytes);
		}
	}

	/**
	 * Runs the connection's clocks: pings when a heartbeat is due and closes the connection
	 * when two pings in a row went unanswered, the client went silent past the idle timeout,
	 * its token expired, a write has been stuck too long, or a close handshake was not
	 * answered. Called periodically by {@link SessionTimers}, always on its one thread.
	 * @param now {@link System#nanoTime()}
	 * @param running the running time of the node: {@code now} less the pauses of the node
	 * itself, which must never count as the client's silence
	 */
	void checkTimers(long now, long running, Instant wallClock, SessionTimeouts timeouts) {
		if (this.closeStatus != null) {
			// Not transport.isOpen(): Jetty reports a session closed as soon as its close has
			// started. A session still swept here has not ended (the registry drops it then).
			if (now - this.closeRequestedNanos > this.limits.timeLimitNanos()
					&& DISCONNECT_REQUESTED.compareAndSet(this, false, true)) {
				this.transport.disconnect();
			}
			return;
		}
		if (!this.timersStarted) {
			this.timersStarted = true;
			this.lastPingRunning = running - (now - this.lastPingNanos);
		}
		long writeStarted = this.writeStartedNanos;
		if (writeStarted != this.seenWriteStartedNanos) {
			this.seenWriteStartedNanos = writeStarted;
			this.writeStartedRunning = running - (now - writeStarted);
		}
		if (writeStarted != 0 && running - this.writeStartedRunning > this.limits.timeLimitNanos()) {
			overflow();
			return;
		}
		Instant expiresAt = this.identity.expiresAt();
		if (expiresAt != null && wallClock.isAfter(expiresAt.plusNanos(timeouts.tokenSkewNanos()))) {
			close(GatewayCloseStatus.TOKEN_EXPIRED);
			return;
		}
		long inbound = this.lastInboundNanos;
		if (inbound != this.seenInboundNanos) {
			this.seenInboundNanos = inbound;
			this.lastInboundRunning = running - (now - inbound);
		}
		if (running - this.lastInboundRunning > timeouts.idleNanos()) {
			close(GatewayCloseStatus.IDLE_TIMEOUT);
			return;
		}
		if (running - this.lastPingRunning >= timeouts.heartbeatNanos()) {
			heartbeat(now, running, inbound);
		}
	}

	// A ping is answered by anything the client sends after it was queued: its pong or a message.
	private void heartbeat(long now, long running, long inbound) {
		if (this.pinged) {
			this.unansweredPings = (inbound - this.lastPingNanos > 0) ? 0 : this.unansweredPings + 1;
			if (this.unansweredPings >= 2) {
				close(GatewayCloseStatus.HEARTBEAT_TIMEOUT);
				return;
			}
		}
		this.pinged = true;
		this.lastPingRunning = running;
		this.lastPingNanos = now;
		this.queue.offer(OutboundFrame.PING);
		flush();
	}

	// Dropped frames give their bytes back so that queuedBytes() stays true after a close.
	private void dropQueued() {
		OutboundFrame frame;
		while ((frame = this.queue.poll()) != null) {
			QUEUED_BYTES.getAndAdd(this, (long) -frame.size());
		}
		OutboundFrame pong = (OutboundFrame) PENDING_PONG.getAndSet(this, null);
		if (pong != null) {
			QUEUED_BYTES.getAndAdd(this, (long) -pong.size());
		}
	}

	// At most one write is outstanding. Whichever of "write returned" and "write completed"
	// happens second continues with the next frame, so a transport that completes inline
	// loops here instead of recursing.
	private void flush() {
		while (WRITING.compareAndSet(this, false, true)) {
			OutboundFrame frame = this.queue.poll();
			if (frame == null) {
				this.writing = false;
				if (this.queue.isEmpty()) {
					return;
				}
				continue;
			}
			if (frame.closeStatus() != null) {
				dropQueued();
				this.transport.close(frame.closeStatus().getCode(), frame.closeStatus().getReason());
				return;
			}
			if (this.closeStatus == GatewayCloseStatus.SLOW_CONSUMER) {
				dropQueued();
				return;
			}
			if (frame == OutboundFrame.PONG_DUE) {
				frame = (OutboundFrame) PENDING_PONG.getAndSet(this, null);
				if (frame == null) {
					this.writing = false;
					continue;
				}
			}
			Write write = new Write(frame);
			this.writeStartedNanos = System.nanoTime();
			try {
				if (frame.isPing()) {
					this.transport.sendPing(write, write);
				}
				else if (frame.isControl()) {
					this.transport.sendPong(frame.utf8(), write, write);
				}
				else {
					this.transport.sendText(frame, write, write);
				}
			}
			catch (RuntimeException ex) {
				write.failed(ex);
			}
			if (!write.returned()) {
				return;
			}
		}
	}

	// One object per write, as its own success and failure callback: a fan-out allocates it
	// once per member, so it carries no lambdas and no separate atomic.
	private final class Write implements Runnable, Consumer<Throwable> {

		private static final AtomicIntegerFieldUpdater<Write> ARRIVALS = AtomicIntegerFieldUpdater
			.newUpdater(Write.class, "arrivals");

		private final OutboundFrame frame;

		private volatile int arrivals;

		Write(OutboundFrame frame) {
			this.frame = frame;
		}

		@Override
		public void run() {
			succeeded();
		}

		@Override
		public void accept(Throwable cause) {
			failed(cause);
		}

		void succeeded() {
			if (!this.frame.isControl()) {
				MESSAGES_OUT.getAndAdd(ClientSession.this, 1L);
				BYTES_OUT.getAndAdd(ClientSession.this, (long) this.frame.size());
				ClientSession.this.events.frameSent(ClientSession.this, this.frame);
			}
			completed();
		}

		void failed(Throwable cause) {
			dropQueued();
			CLOSE_STATUS.compareAndSet(ClientSession.this, null, GatewayCloseStatus.SERVER_ERROR);
			ClientSession.this.transport.disconnect();
			completed();
		}

		private void completed() {
			QUEUED_BYTES.getAndAdd(ClientSession.this, (long) -this.frame.size());
			ClientSession.this.writeStartedNanos = 0;
			ClientSession.this.writing = false;
			if (ARRIVALS.getAndIncrement(this) == 1) {
				flush();
			}
		}

		/** Returns {@code true} if the write already completed, so the caller goes on. */
		boolean returned() {
			return ARRIVALS.getAndIncrement(this) == 1;
		}

	}

	private static VarHandle field(String name, Class<?> type) {
		try {
			return MethodHandles.lookup().findVarHandle(ClientSession.class, name, type);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	@Override
	public String toString() {
		return "ClientSession[id=" + this.id + ", user=" + userId() + "]";
	}

}
