package io.wsgateway.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A hand-written {@link FrameTransport} for unit tests of {@link ClientSession} and of
 * anything that sends to sessions (handlers, fan-out). Records every frame in order.
 *
 * <p>By default each write completes at once, on the calling thread, like a fast client.
 * After {@link #holdWrites()} writes stay pending until the test completes them with
 * {@link #completeNext()} or {@link #failNext(Throwable)}, like a client that has
 * stopped reading. Records the largest number of writes ever outstanding at once, which
 * must never exceed one. Thread-safe.
 */
public final class FakeTransport implements FrameTransport {

	/**
	 * What the transport was asked to write: a text, a ping ({@code text == null}), or a pong
	 * (its payload in {@code pong}).
	 */
	public record Write(String text, boolean ping, String pong) {

		Write(String text, boolean ping) {
			this(text, ping, null);
		}

	}

	private final List<Write> written = new ArrayList<>();

	private final Deque<Pending> pending = new ArrayDeque<>();

	private boolean hold;

	private boolean open = true;

	private Integer closeCode;

	private String closeReason;

	private int closeCalls;

	private boolean disconnected;

	private int disconnectCalls;

	private int outstanding;

	private int maxOutstanding;

	/** From now on, writes wait for {@link #completeNext()} or {@link #failNext}. */
	public synchronized FakeTransport holdWrites() {
		this.hold = true;
		return this;
	}

	/** Completes writes at once again, and completes every pending one, oldest first. */
	public void releaseWrites() {
		synchronized (this) {
			this.hold = false;
		}
		while (completeNext()) {
			// until none is pending
		}
	}

	/** Completes the oldest pending write successfully; returns {@code false} if none was pending. */
	public boolean completeNext() {
		Pending next;
		synchronized (this) {
			next = this.pending.pollFirst();
			if (next == null) {
				return false;
			}
			this.outstanding--;
		}
		next.onSuccess().run();
		return true;
	}

	/** Fails the oldest pending write; returns {@code false} if none was pending. */
	public boolean failNext(Throwable cause) {
		Pending next;
		synchronized (this) {
			next = this.pending.pollFirst();
			if (next == null) {
				return false;
			}
			this.outstanding--;
		}
		next.onFailure().accept(cause);
		return true;
	}

	@Override
	public void sendText(OutboundFrame frame, Runnable onSuccess, Consumer<Throwable> onFailure) {
		write(new Write(frame.text(), false), onSuccess, onFailure);
	}

	@Override
	public void sendPing(Runnable onSuccess, Consumer<Throwable> onFailure) {
		write(new Write(null, true), onSuccess, onFailure);
	}

	@Override
	public void sendPong(byte[] payload, Runnable onSuccess, Consumer<Throwable> onFailure) {
		write(new Write(null, false, new String(payload, java.nio.charset.StandardCharsets.UTF_8)), onSuccess, onFailure);
	}

	private void write(Write write, Runnable onSuccess, Consumer<Throwable> onFailure) {
		boolean completeNow;
		synchronized (this) {
			this.written.add(write);
			this.outstanding++;
			this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
			completeNow = !this.hold;
			if (completeNow) {
				this.outstanding--;
			}
			else {
				this.pending.addLast(new Pending(onSuccess, onFailure));
			}
		}
		if (completeNow) {
			onSuccess.run();
		}
	}

	/** Like Jetty's, reports the connection as not open as soon as a close has started. */
	@Override
	public synchronized void close(int code, String reason) {
		this.open = false;
		this.closeCalls++;
		if (this.closeCode == null) {
			this.closeCode = code;
			this.closeReason = reason;
		}
	}

	@Override
	public synchronized void disconnect() {
		this.disconnectCalls++;
		this.disconnected = true;
		this.open = false;
	}

	@Override
	public synchronized boolean isOpen() {
		return this.open;
	}

	/** Marks the connection as gone, as when the client went away. */
	public synchronized void closedByPeer() {
		this.open = false;
	}

	/** Returns the texts written (pings and pongs left out), in order. */
	public synchronized List<String> texts() {
		return this.written.stream().filter((write) -> write.text() != null).map(Write::text).toList();
	}

	/** Returns the payloads of the pongs written, in order. */
	public synchronized List<String> pongs() {
		return this.written.stream().filter((write) -> write.pong() != null).map(Write::pong).toList();
	}

	/** Returns every write, pings included, in order. */
	public synchronized List<Write> writes() {
		return List.copyOf(this.written);
	}

	/** Returns the number of pings written. */
	public synchronized long pings() {
		return this.written.stream().filter(Write::ping).count();
	}

	/** Returns the number of writes waiting for {@link #completeNext()}. */
	public synchronized int pendingWrites() {
		return this.pending.size();
	}

	/** Returns the largest number of writes that were outstanding at the same time. */
	public synchronized int maxOutstanding() {
		return this.maxOutstanding;
	}

	/** Returns the close code asked for first, or {@code null}. */
	public synchronized Integer closeCode() {
		return this.closeCode;
	}

	/** Returns the close reason asked for first, or {@code null}. */
	public synchronized String closeReason() {
		return this.closeReason;
	}

	/** Returns how often {@link #close} was called. */
	public synchronized int closeCalls() {
		return this.closeCalls;
	}

	/** Returns whether the connection was dropped without a close handshake. */
	public synchronized boolean disconnected() {
		return this.disconnected;
	}

	/** Returns how often {@link #disconnect()} was called. */
	public synchronized int disconnectCalls() {
		return this.disconnectCalls;
	}

	private record Pending(Runnable onSuccess, Consumer<Throwable> onFailure) {
	}

}
