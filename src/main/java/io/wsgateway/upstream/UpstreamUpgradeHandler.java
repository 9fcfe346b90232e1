package io.wsgateway.upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsgateway.handshake.HandshakeRejection;
import io.wsgateway.handshake.TokenHandshakeInterceptor;
import io.wsgateway.session.AcceptedHandshake;
import io.wsgateway.session.AdmissionLease;
import io.wsgateway.session.ClientIdentity;
import io.wsgateway.session.UpgradeChecks;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.support.JettyHeadersAdapter;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Upgrades the requests for the upstream routes' paths, on Jetty's core API in front of
 * the servlet container; every other request goes on. In order, and all before any
 * target is contacted: the upgrade's own validity (the same rules and answers as the
 * gateway's endpoint: 405, 426 or 400), the gateway's handshake checks, and the route's cap
 * on handshakes in flight (503). Then the target is connected to asynchronously, and the
 * client's upgrade completes, or is refused, on the upstream client's thread once the
 * target answered or the connect timeout passed: no thread waits for a target.
 */
final class UpstreamUpgradeHandler extends Handler.Wrapper {

	private static final Logger logger = LoggerFactory.getLogger(UpstreamUpgradeHandler.class);

	static final String USER_ID = "X-User-Id";

	static final String USER_ROLES = "X-User-Roles";

	static final String FORWARDED_FOR = "X-Forwarded-For";

	private final String contextPath;

	private final List<UpstreamRoute> routes;

	private final List<HandshakeInterceptor> checks;

	private final UpstreamConnector connector;

	private final UpstreamRegistry registry;

	private final ServerWebSocketContainer container;

	private final WebSocketComponents components;

	private final Handshaker handshaker = Handshaker.newInstance();

	UpstreamUpgradeHandler(Handler next, String contextPath, List<UpstreamRoute> routes,
			List<HandshakeInterceptor> checks, UpstreamConnector connector, UpstreamRegistry registry,
			ServerWebSocketContainer container, WebSocketComponents components) {
		super(next);
		this.contextPath = contextPath;
		this.routes = List.copyOf(routes);
		this.checks = List.copyOf(checks);
		this.connector = connector;
		this.registry = registry;
		this.container = container;
		this.components = components;
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		String path = Request.getPathInContext(request);
		UpstreamRoute route = path.startsWith(this.contextPath) ? route(path.substring(this.contextPath.length()))
				: null;
		if (route == null) {
			return super.handle(request, response, callback);
		}
		if (UpgradeChecks.refuseMalformed(this.handshaker, request, response, callback, this.components)) {
			logger.debug("Malformed upgrade on upstream route {} refused with {}", route, response.getStatus());
			return true;
		}
		AcceptedHandshake accepted;
		try {
			accepted = UpgradeChecks.run(this.checks, request, response, callback);
		}
		catch (Exception ex) {
			logger.warn("Handshake check on upstream route {} failed: {}", route, ex.toString());
			UpgradeChecks.refuse(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500,
					"handshake failed");
			return true;
		}
		if (accepted != null) {
			connect(route, request, response, callback, accepted);
		}
		return true;
	}

	private UpstreamRoute route(String path) {
		for (UpstreamRoute route : this.routes) {
			if (route.matches(path)) {
				return route;
			}
		}
		return null;
	}

	private void connect(UpstreamRoute route, Request request, Response response, Callback callback,
			AcceptedHandshake accepted) {
		AdmissionLease lease = accepted.lease();
		if (!route.tryStartHandshake()) {
			this.registry.handshake(route, UpstreamRegistry.Outcome.BUSY);
			release(lease);
			refuse(route, request, response, callback, new UpstreamConnector.Refused(HttpStatus.SERVICE_UNAVAILABLE_503,
					route.settings().connectTimeout(), "upstream busy, try again later", UpstreamRegistry.Outcome.BUSY));
			return;
		}
		ClientIdentity identity = accepted.identity();
		String clientIp = accepted.clientIp();
		HttpHeaders headers = new HttpHeaders(new JettyHeadersAdapter(request.getHeaders()));
		String rawPath = request.getHttpURI().getPath().substring(this.contextPath.length());
		String rawQuery = request.getHttpURI().getQuery();
		UpstreamConnector.Request upstreamRequest = new UpstreamConnector.Request(
				accepted.connectionId(), rawPath, route.forwardedQuery(rawQuery),
				route.hashOn().key(headers, clientIp, identity),
				upstreamHeaders(route, headers, rawQuery, identity, clientIp), subprotocols(headers));
		this.connector.connect(route, upstreamRequest).whenComplete((result, failure) -> {
			route.handshakeEnded();
			if (result instanceof UpstreamConnector.Connected connected) {
				this.registry.handshake(route, UpstreamRegistry.Outcome.CONNECTED);
				upgrade(route, connected.bridge(), lease, request, response, callback);
				return;
			}
			release(lease);
			if (result instanceof UpstreamConnector.Refused refused) {
				this.registry.handshake(route, refused.outcome());
				refuse(route, request, response, callback, refused);
			}
			else {
				logger.warn("Connecting upstream route {} failed: {}", route, String.valueOf(failure));
				this.registry.handshake(route, UpstreamRegistry.Outcome.BAD_GATEWAY);
				UpgradeChecks.refuse(request, response, callback, HttpStatus.BAD_GATEWAY_502, "no upstream available");
			}
		});
	}

	private void upgrade(UpstreamRoute route, UpstreamBridge bridge, AdmissionLease lease, Request request, Response response,
			Callback callback) {
		WebSocketCreator creator = (upgradeRequest, upgradeResponse, upgradeCallback) -> {
			String subprotocol = bridge.subprotocol();
			if (subprotocol != null) {
				upgradeResponse.setAcceptedSubProtocol(subprotocol);
			}
			// no extension, so that frames pass unchanged
			upgradeResponse.setExtensions(List.of());
			return bridge.clientListener();
		};
		bridge.adoptLease(lease);
		// The 101 could not be written: the client side never opens, so it never closes either.
		Callback completion = Callback.from(callback::succeeded, (failure) -> {
			bridge.abandon();
			callback.failed(failure);
		});
		try {
			if (!this.container.upgrade(creator, request, response, completion)) {
				bridge.abandon();
				UpgradeChecks.refuse(request, response, callback, HttpStatus.BAD_REQUEST_400,
						"not a valid WebSocket upgrade");
			}
		}
		catch (Throwable ex) {
			bridge.abandon();
			logger.debug("Upgrade of a client of upstream route {} failed: {}", route, ex.toString());
			if (response.isCommitted()) {
				callback.failed(ex);
			}
			else {
				Response.writeError(request, response, callback, ex);
			}
		}
	}

	private static void refuse(UpstreamRoute route, Request request, Response response, Callback callback,
			UpstreamConnector.Refused refused) {
		logger.debug("Upgrade on upstream route {} refused with {}: {}", route, refused.status(), refused.reason());
		if (refused.retryAfter() != null) {
			response.getHeaders()
				.put(HttpHeader.RETRY_AFTER, Long.toString(HandshakeRejection.retryAfterSeconds(refused.retryAfter())));
		}
		UpgradeChecks.refuse(request, response, callback, refused.status(), refused.reason());
	}

	private static void release(AdmissionLease lease) {
		try {
			lease.close();
		}
		catch (RuntimeException ex) {
			logger.error("Could not release an admission slot: {}", ex.toString());
		}
	}

	/**
	 * Returns the handshake headers for the target: the route's forwarded client headers, the
	 * verified identity, the client IP, and the token where the route forwards it. Built
	 * from scratch, so identity headers a client sent itself never pass.
	 */
	static Map<String, List<String>> upstreamHeaders(UpstreamRoute route, HttpHeaders clientHeaders, String rawQuery,
			ClientIdentity identity, String clientIp) {
		UpstreamProperties.Route settings = route.settings();
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (String name : settings.forwardHeaders()) {
			List<String> values = clientHeaders.get(name);
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
			String token = TokenHandshakeInterceptor.token(clientHeaders, rawQuery);
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
