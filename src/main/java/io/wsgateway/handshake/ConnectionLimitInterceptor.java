package io.wsgateway.handshake;

import java.time.Duration;
import java.util.Map;

import io.wsgateway.session.HandshakeAttributes;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Last of the handshake checks: takes the connection's slot against the node's and the
 * IP's connection limits (503 or 429 with {@code Retry-After}). The slot goes with the
 * session and is given back when it closes, or here if the upgrade itself fails.
 */
@Component
public class ConnectionLimitInterceptor implements HandshakeInterceptor {

	private static final String LEASE = ConnectionLimitInterceptor.class.getName() + ".lease";

	private static final int SWITCHING_PROTOCOLS = 101;

	private final ConnectionSlots slots;

	private final HandshakeEvents events;

	private final Duration retryAfter;

	ConnectionLimitInterceptor(ConnectionSlots slots, HandshakeEvents events, AdmissionProperties properties) {
		this.slots = slots;
		this.events = events;
		this.retryAfter = properties.retryAfter();
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		HandshakeOutcome[] refusal = new HandshakeOutcome[1];
		HandshakeAttributes checked = HandshakeAttributes.of(attributes);
		ConnectionSlots.Lease lease = this.slots.tryAcquire(checked.clientIp(), refusal);
		if (lease == null) {
			this.events.handshake(refusal[0]);
			return (refusal[0] == HandshakeOutcome.AT_CAPACITY)
					? HandshakeRejection.reject(response, HttpStatus.SERVICE_UNAVAILABLE, this.retryAfter,
							"node is at its connection limit")
					: HandshakeRejection.reject(response, HttpStatus.TOO_MANY_REQUESTS, this.retryAfter,
							"too many open connections from this address");
		}
		checked.lease(lease);
		if (request instanceof ServletServerHttpRequest servlet) {
			servlet.getServletRequest().setAttribute(LEASE, lease);
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
		if (!(request instanceof ServletServerHttpRequest servlet)
				|| !(servlet.getServletRequest().getAttribute(LEASE) instanceof ConnectionSlots.Lease lease)) {
			return;
		}
		boolean upgraded = exception == null && response instanceof ServletServerHttpResponse servletResponse
				&& servletResponse.getServletResponse().getStatus() == SWITCHING_PROTOCOLS;
		if (!upgraded) {
			lease.close();
		}
	}

}
