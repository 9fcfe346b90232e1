package io.wsgateway.session;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.CloseException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;
import org.eclipse.jetty.websocket.core.messages.StringMessageSink;

import org.springframework.web.socket.CloseStatus;

/**
 * One connection's frames, on Jetty's core WebSocket API, adapted to Spring's
 * {@link org.springframework.web.socket.WebSocketHandler} contract through its
 * {@link GatewayConnection}: open, each whole text message, transport errors and close go
 * to the endpoint's handler chain as Spring's own adapters deliver them (whole messages
 * only: the chain does not support partial messages). Decodes text messages (a message in
 * one frame here, one in several through Jetty's message sink; either way
 * {@code max-message-size} is enforced with 1009 and UTF-8 with 1007), closes with 1003 on
 * a binary message, answers pings on the session's bounded send path, and reports pongs and
 * pings as activity. Holds nothing of the handshake request, which is what keeps an idle
 * connection small.
 *
 * <p>A frame's callback is failed only with Jetty's close exceptions of fixed text (1007,
 * 1009): Jetty would close with any other exception's message as the reason, so a failure
 * of the gateway's own code, or of a decorator of its handler, is logged and closed here
 * with 1011 and a fixed text.
 */
final class ConnectionFrameHandler implements FrameHandler {

	private final GatewayConnection connection;

	private CoreSession coreSession;

	// Created on the first text message sent in several frames; most connections never send one.
	private StringMessageSink textSink;

	// The opcode of the data message in progress, for its continuation frames.
	private byte messageOpCode;

	// UTF-8 bytes of the fragmented text message in progress: its frames' payloads, so the
	// decoded text need not be measured again.
	private int textBytes;

	ConnectionFrameHandler(GatewayConnection connection) {
		this.connection = connection;
	}

	@Override
	public void onOpen(CoreSession coreSession, Callback callback) {
		this.coreSession = coreSession;
		try {
			this.connection.opened(coreSession);
		}
		catch (Throwable ex) {
			this.connection.openFailed(ex);
			CloseStatus status = GatewayCloseStatus.serverError(this.connection.getId());
			callback.failed(new CloseException(status.getCode(), status.getReason()));
			return;
		}
		callback.succeeded();
		coreSession.demand();
	}

	@Override
	public void onFrame(Frame frame, Callback callback) {
		byte opCode = frame.getOpCode();
		if (opCode == OpCode.TEXT || opCode == OpCode.BINARY) {
			this.messageOpCode = opCode;
		}
		else if (opCode == OpCode.CONTINUATION) {
			opCode = this.messageOpCode;
		}
		switch (opCode) {
			case OpCode.TEXT -> {
				if (frame.getOpCode() == OpCode.TEXT && frame.isFin()) {
					wholeText(frame, callback);
				}
				else {
					this.textBytes += frame.getPayloadLength();
					textSink().accept(frame, callback);
				}
			}
			case OpCode.BINARY -> {
				if (frame.getOpCode() == OpCode.BINARY) {
					this.connection.binary();
				}
				callback.succeeded();
				this.coreSession.demand();
			}
			case OpCode.PING -> {
				byte[] payload = copy(frame.getPayload());
				callback.succeeded();
				this.connection.ping(payload);
				this.coreSession.demand();
			}
			case OpCode.PONG -> {
				this.connection.pong();
				callback.succeeded();
				this.coreSession.demand();
			}
			default -> callback.succeeded();
		}
	}

	/**
	 * A text message in a single frame, which is nearly every client message: decoded here,
	 * without Jetty's message sink and the 4 KB builder it allocates per message. Fails the
	 * frame as the sink would, so Jetty closes with 1009 or 1007.
	 */
	private void wholeText(Frame frame, Callback callback) {
		int length = frame.getPayloadLength();
		// Jetty splits a frame above the frame limit into fragments for the sink; this check
		// holds the message limit even where the two limits differ.
		long maxSize = this.coreSession.getMaxTextMessageSize();
		if (maxSize > 0 && length > maxSize) {
			callback.failed(new MessageTooLargeException(
					String.format("Text message too large: %,d > %,d", length, maxSize)));
			return;
		}
		String text;
		try {
			text = StrictUtf8.decode(frame.getPayload());
		}
		catch (CharacterCodingException malformed) {
			callback.failed(new BadPayloadException.InvalidUtf8());
			return;
		}
		deliver(text, length);
		callback.succeeded();
		this.coreSession.demand();
	}

	private void deliver(String text, int bytes) {
		try {
			this.connection.text(text, bytes);
		}
		catch (Throwable ex) {
			this.connection.failed(ex);
		}
	}

	// Jetty reuses the frame's buffer once its callback completes.
	private static byte[] copy(ByteBuffer payload) {
		if (payload == null) {
			return new byte[0];
		}
		byte[] bytes = new byte[payload.remaining()];
		payload.get(payload.position(), bytes);
		return bytes;
	}

	private StringMessageSink textSink() {
		if (this.textSink == null) {
			this.textSink = new StringMessageSink(this.coreSession, (args) -> {
				int bytes = this.textBytes;
				this.textBytes = 0;
				deliver((String) args[0], bytes);
				return null;
			}, true);
		}
		return this.textSink;
	}

	@Override
	public void onError(Throwable cause, Callback callback) {
		try {
			this.connection.transportError(cause);
		}
		catch (Throwable ex) {
			this.connection.failed(ex);
		}
		callback.succeeded();
	}

	@Override
	public void onClosed(org.eclipse.jetty.websocket.core.CloseStatus closeStatus, Callback callback) {
		try {
			this.connection.closed(new CloseStatus(closeStatus.getCode(), closeStatus.getReason()));
		}
		catch (Throwable ex) {
			this.connection.closeFailed(ex);
		}
		callback.succeeded();
	}

}
