package io.wsgateway.session;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * {@link FrameTransport} over Jetty's asynchronous session API: a write that waits for a
 * slow client holds no thread.
 */
final class JettyFrameTransport implements FrameTransport {

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private final Session session;

	JettyFrameTransport(Session session) {
		this.session = session;
	}

	@Override
	public void sendText(String text, Runnable onSuccess, Consumer<Throwable> onFailure) {
		this.session.sendText(text, Callback.from(onSuccess, onFailure));
	}

	@Override
	public void sendPing(Runnable onSuccess, Consumer<Throwable> onFailure) {
		this.session.sendPing(EMPTY.duplicate(), Callback.from(onSuccess, onFailure));
	}

	@Override
	public void close(int code, String reason) {
		this.session.close(code, reason, Callback.NOOP);
	}

	@Override
	public void disconnect() {
		this.session.disconnect();
	}

	@Override
	public boolean isOpen() {
		return this.session.isOpen();
	}

}
