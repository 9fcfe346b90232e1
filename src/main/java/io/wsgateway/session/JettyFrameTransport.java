package io.wsgateway.session;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * {@link FrameTransport} over Jetty's core WebSocket session: a write that waits for a
 * slow client holds no thread.
 */
final class JettyFrameTransport implements FrameTransport {

	private final CoreSession session;

	JettyFrameTransport(CoreSession session) {
		this.session = session;
	}

	@Override
	public void sendText(OutboundFrame frame, Runnable onSuccess, Consumer<Throwable> onFailure) {
		// A buffer of its own per connection (Jetty moves its position), over the shared bytes.
		this.session.sendFrame(new Frame(OpCode.TEXT, ByteBuffer.wrap(frame.utf8())), Callback.from(onSuccess, onFailure),
				false);
	}

	@Override
	public void sendPing(Runnable onSuccess, Consumer<Throwable> onFailure) {
		this.session.sendFrame(new Frame(OpCode.PING), Callback.from(onSuccess, onFailure), false);
	}

	@Override
	public void close(int code, String reason) {
		this.session.close(code, reason, Callback.NOOP);
	}

	@Override
	public void disconnect() {
		this.session.abort();
	}

	@Override
	public boolean isOpen() {
		return this.session.isOutputOpen();
	}

}
