package io.wsgateway.session;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;

/**
 * {@link FrameTransport} over Jetty's core WebSocket session: a write that waits for a
 * slow client holds no thread.
 *
 * <p>A text frame goes straight to the connection's frame flusher when nothing on the
 * session's own path has work to do: no extension was negotiated (with
 * {@code permessage-deflate} every frame must pass the extension) and the frame is no
 * larger than the maximum frame size, above which the session splits or refuses it. The
 * session's path re-validates the frame, checks under a lock that the output is still
 * open, and passes the frame through a flusher of its own and the extension stack, copying
 * its entry twice: a large part of the server's work per delivery in a fan-out. The frame
 * flusher still orders these frames with every frame Jetty sends itself (pongs, closes)
 * and refuses data after a close frame. {@link ClientSession} never sends a fragment, so
 * the session's fragment-sequence check has nothing to catch.
 */
final class JettyFrameTransport implements FrameTransport {

	private final CoreSession session;

	// null where frames must take the session's path
	private final WebSocketConnection connection;

	JettyFrameTransport(CoreSession session) {
		this.session = session;
		this.connection = (session instanceof WebSocketCoreSession core && session.getNegotiatedExtensions().isEmpty())
				? core.getConnection() : null;
	}

	@Override
	public void sendText(OutboundFrame frame, Runnable onSuccess, Consumer<Throwable> onFailure) {
		// A buffer of its own per connection (Jetty moves its position), over the shared bytes.
		Frame text = new Frame(OpCode.TEXT, ByteBuffer.wrap(frame.utf8()));
		Callback callback = Callback.from(onSuccess, onFailure);
		if (this.connection != null && !aboveMaxFrameSize(frame.size())) {
			this.connection.enqueueFrame(new OutgoingEntry.Builder(text, callback).build());
		}
		else {
			this.session.sendFrame(text, callback, false);
		}
	}

	// Above the frame size the session splits the frame (auto-fragment) or refuses it:
	// only its path does either.
	private boolean aboveMaxFrameSize(int payloadLength) {
		long maxFrameSize = this.session.getMaxFrameSize();
		return maxFrameSize > 0 && payloadLength > maxFrameSize;
	}

	@Override
	public void sendPing(Runnable onSuccess, Consumer<Throwable> onFailure) {
		this.session.sendFrame(new Frame(OpCode.PING), Callback.from(onSuccess, onFailure), false);
	}

	@Override
	public void sendPong(byte[] payload, Runnable onSuccess, Consumer<Throwable> onFailure) {
		this.session.sendFrame(new Frame(OpCode.PONG, ByteBuffer.wrap(payload)), Callback.from(onSuccess, onFailure),
				false);
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
