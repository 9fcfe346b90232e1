package io.wsgateway.upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsgateway.handshake.HandshakeRejection;
import io.wsgateway.handshake.TokenHandshakeInterceptor;
import io.wsgateway.session.ClientIdentity;
import io.wsgateway.session.HandshakeAttributes;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Last handshake check of an upstream route, after the gateway's own: opens the upstream
 * connection before the client is upgraded, so that a client is only ever accepted with
 * a target behind it. Refuses with 502 when no target could be reached, 503 with
 * {@code Retry-After} when every target's circuit is open, or the target's own 4xx.
 */
final class UpstreamHandshakeInterceptor implements HandshakeInterceptor {

	/** Attribute under which the handshake's {@link UpstreamBridge} waits for the upgrade. */
	static final String BRIDGE = UpstreamBridge.class.getName();

	static final String USER_ID = "X-User-Id";

	static final String USER_ROLES = "X-User-Roles";

	static final String FORWARDED_FOR = "X-Forwarded-For";

	private static final int SWITCHING_PROTOCOLS = 101;

	private final UpstreamRoute route;

	private final UpstreamConnector connector;

	private final UpstreamRegistry registry;

	UpstreamHandshakeInterceptor(UpstreamRoute route, UpstreamConnector connector, UpstreamRegistry registry) {
		this.route = route;
		this.connector = connector;
		this.registry = registry;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		if (!isUpgrade(request)) {
			// not a WebSocket handshake: the handshake handler answers it, no upstream needed
			return true;
		}
		ClientIdentity identity = (ClientIdentity) attributes.get(HandshakeAttributes.IDENTITY);
		String clientIp = (String) attributes.get(HandshakeAttributes.CLIENT_IP);
		HttpHeaders headers = request.getHeaders();
		UpstreamConnector.Request upstreamRequest = new UpstreamConnector.Request(
				(String) attributes.get(HandshakeAttributes.CONNECTION_ID), request.getURI().getRawPath(),
				request.getURI().getRawQuery(), this.route.hashOn().key(headers, clientIp, identity),
				upstreamHeaders(request, identity, clientIp), subprotocols(headers));
		UpstreamConnector.Result result = this.connector.connect(this.route, upstreamRequest);
		if (result instanceof UpstreamConnector.Connected connected) {
			this.registry.handshake(this.route, UpstreamRegistry.Outcome.CONNECTED);
			attributes.put(BRIDGE, connected.bridge());
			if (request instanceof ServletServerHttpRequest servlet) {
				servlet.getServletRequest().setAttribute(BRIDGE, connected.bridge());
			}
			return true;
		}
		UpstreamConnector.Refused refused = (UpstreamConnector.Refused) result;
		this.registry.handshake(this.route, refused.outcome());
		return HandshakeRejection.reject(response, HttpStatusCode.valueOf(refused.status()), refused.retryAfter(),
				refused.reason());
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
		if (!(request instanceof ServletServerHttpRequest servlet)
				|| !(servlet.getServletRequest().getAttribute(BRIDGE) instanceof UpstreamBridge bridge)) {
			return;
		}
		boolean upgraded = exception == null && response instanceof ServletServerHttpResponse servletResponse
				&& servletResponse.getServletResponse().getStatus() == SWITCHING_PROTOCOLS;
		if (!upgraded) {
			bridge.abandon();
		}
	}

	private static boolean isUpgrade(ServerHttpRequest request) {
		return HttpMethod.GET.equals(request.getMethod()) && "websocket".equalsIgnoreCase(request.getHeaders().getUpgrade());
	}

	/**
	 * Returns the handshake headers for the target: the verified identity, the client IP,
	 * the token where the route forwards it, and the route's forwarded client headers.
	 * Built from scratch, so identity headers a client sent itself never pass.
	 */
	Map<String, List<String>> upstreamHeaders(ServerHttpRequest request, ClientIdentity identity, String clientIp) {
		UpstreamProperties.Route settings = this.route.settings();
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (String name : settings.forwardHeaders()) {
			List<String> values = request.getHeaders().get(name);
			if (values != null && !values.isEmpty()) {
				headers.put(name, List.copyOf(values));
			}
		}
		if (identity != null) {
			headers.put(USER_ID, List.of(identity.userId()));
			headers.put(USER_ROLES, List.of(String.join(",", identity.roles().stream().sorted().toList())));
		}
		if (clientIp != null) {
			headers.put(FORWARDED_FOR, List.of(clientIp));
		}
		if (settings.forwardToken()) {
			String token = TokenHandshakeInterceptor.token(request);
			if (token != null) {
				headers.put(HttpHeaders.AUTHORIZATION, List.of("Bearer " + token));
			}
		}
		return headers;
	}

	private static List<String> subprotocols(HttpHeaders headers) {
		List<String> protocols = new ArrayList<>();
		for (String value : headers.getOrEmpty(WebSocketHttpHeaders.SEC_WEBSOCKET_PROTOCOL)) {
			for (String protocol : value.split(",")) {
				if (!protocol.isBlank()) {
					protocols.add(protocol.trim());
				}
			}
		}
		return protocols;
	}

}
