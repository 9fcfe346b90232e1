package io.wsgateway.handshake;

import java.util.Map;

import io.wsgateway.session.WebSocketProperties;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;

/**
 * Spring's {@link OriginHandshakeInterceptor} over {@code gateway.websocket.allowed-origins}
 * (same origin only when empty; requests without {@code Origin} pass), answering 403 with
 * a reason and counting refusals.
 */
@Component
public class OriginCheckInterceptor implements HandshakeInterceptor {

	private final OriginHandshakeInterceptor delegate = new OriginHandshakeInterceptor();

	private final HandshakeEvents events;

	OriginCheckInterceptor(WebSocketProperties properties, HandshakeEvents events) {
		this.delegate.setAllowedOriginPatterns(properties.allowedOrigins());
		this.events = events;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws Exception {
		// Non-browser clients send no Origin and are allowed; this skips parsing the request URI for them.
		if (request.getHeaders().getOrigin() == null
				|| this.delegate.beforeHandshake(request, response, wsHandler, attributes)) {
			return true;
		}
		this.events.handshake(HandshakeOutcome.FORBIDDEN_ORIGIN);
		return HandshakeRejection.reject(response, HttpStatus.FORBIDDEN, null, "origin not allowed");
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

}
