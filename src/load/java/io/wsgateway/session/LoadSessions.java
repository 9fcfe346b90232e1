package io.wsgateway.session;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Sessions for the JMH benchmarks: a transport that completes every write at once on the
 * calling thread and only counts it, so a benchmark measures the gateway's own path.
 */
public final class LoadSessions {

	private LoadSessions() {
	}

	/** A session of {@code userId} with the default send limits (1 MB, 10 s) over {@code transport}. */
	public static ClientSession session(String userId, CountingTransport transport, SessionEvents events) {
		return new ClientSession(UUID.randomUUID().toString(), new ClientIdentity(userId, Set.of(), Set.of(), null, false),
				"127.0.0.1", "jmh", transport, new SendLimits(1024 * 1024, 10_000_000_000L), events);
	}

	/** Counts frames and their UTF-8 bytes (encoded once per frame, as by the Jetty transport); every write succeeds inline. */
	public static final class CountingTransport implements FrameTransport {

		private final LongAdder frames = new LongAdder();

		private final LongAdder bytes = new LongAdder();

		public long frames() {
			return this.frames.sum();
		}

		public long bytes() {
			return this.bytes.sum();
		}

		@Override
		public void sendText(OutboundFrame frame, Runnable onSuccess, Consumer<Throwable> onFailure) {
			this.frames.increment();
			this.bytes.add(frame.utf8().length);
			onSuccess.run();
		}

		@Override
		public void sendPing(Runnable onSuccess, Consumer<Throwable> onFailure) {
			onSuccess.run();
		}

		@Override
		public void sendPong(byte[] payload, Runnable onSuccess, Consumer<Throwable> onFailure) {
			onSuccess.run();
		}

		@Override
		public void close(int code, String reason) {
		}

		@Override
		public void disconnect() {
		}

		@Override
		public boolean isOpen() {
			return true;
		}

	}

}
