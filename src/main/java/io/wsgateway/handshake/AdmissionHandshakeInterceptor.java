package io.wsgateway.handshake;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.wsgateway.session.HandshakeAttributes;
import io.wsgateway.session.SessionRegistry;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * First of the handshake checks, the cheap ones that protect the rest: refuses with 503
 * while the node drains or is full, and with 429 when the client IP has used up its
 * handshake bucket. Also names the connection and records its client IP.
 */
@Component
public class AdmissionHandshakeInterceptor implements HandshakeInterceptor {

	private final ClientIpResolver ipResolver;

	private final HandshakeRateLimiter rateLimiter;

	private final ConnectionSlots slots;

	private final SessionRegistry registry;

	private final HandshakeEvents events;

	private final Duration retryAfter;

	AdmissionHandshakeInterceptor(ClientIpResolver ipResolver, HandshakeRateLimiter rateLimiter, ConnectionSlots slots,
			SessionRegistry registry, HandshakeEvents events, AdmissionProperties properties) {
		this.ipResolver = ipResolver;
		this.rateLimiter = rateLimiter;
		this.slots = slots;
		this.registry = registry;
		this.events = events;
		this.retryAfter = properties.retryAfter();
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		InetSocketAddress remote = request.getRemoteAddress();
		String peer = (remote.getAddress() != null) ? remote.getAddress().getHostAddress() : remote.getHostString();
		List<String> forwardedFor = request.getHeaders().getValuesAsList("X-Forwarded-For");
		String ip = this.ipResolver.resolve(peer, forwardedFor);
		HandshakeAttributes.of(attributes).admit(UUID.randomUUID().toString(), ip);
		if (this.registry.isDraining()) {
			this.events.handshake(HandshakeOutcome.DRAINING);
			return HandshakeRejection.reject(response, HttpStatus.SERVICE_UNAVAILABLE, this.retryAfter,
					"node is shutting down, connect to another node");
		}
		if (this.slots.atCapacity()) {
			this.events.handshake(HandshakeOutcome.AT_CAPACITY);
			return HandshakeRejection.reject(response, HttpStatus.SERVICE_UNAVAILABLE, this.retryAfter,
					"node is at its connection limit");
		}
		Duration wait = this.rateLimiter.tryAcquire(ip);
		if (!wait.isZero()) {
			this.events.handshake(HandshakeOutcome.RATE_LIMITED);
			return HandshakeRejection.reject(response, HttpStatus.TOO_MANY_REQUESTS, wait,
					"too many handshakes from this address");
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

}
