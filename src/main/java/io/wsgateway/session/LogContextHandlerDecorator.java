package io.wsgateway.session;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/**
 * The outermost decorator of the endpoint's handler chain: every call of the chain runs in
 * the connection's {@link LogContext}, so the log lines of the endpoint, of every decorator
 * and of the message handlers name the connection and the user.
 */
final class LogContextHandlerDecorator extends WebSocketHandlerDecorator {

	LogContextHandlerDecorator(WebSocketHandler delegate) {
		super(delegate);
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		try (LogContext context = LogContext.of(GatewayConnection.clientSession(session))) {
			super.afterConnectionEstablished(session);
		}
	}

	@Override
	public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
		try (LogContext context = LogContext.of(GatewayConnection.clientSession(session))) {
			super.handleMessage(session, message);
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
		try (LogContext context = LogContext.of(GatewayConnection.clientSession(session))) {
			super.handleTransportError(session, exception);
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
		try (LogContext context = LogContext.of(GatewayConnection.clientSession(session))) {
			super.afterConnectionClosed(session, closeStatus);
		}
	}

}
