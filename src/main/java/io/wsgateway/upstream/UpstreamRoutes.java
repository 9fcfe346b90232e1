package io.wsgateway.upstream;

import java.util.List;

import io.wsgateway.session.WebSocketProperties;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Mounts the configured upstream routes on the gateway's port, each behind the gateway's
 * own handshake checks followed by its target selection.
 */
@Component
public class UpstreamRoutes {

	private final UpstreamRegistry registry;

	private final UpstreamConnector connector;

	UpstreamRoutes(UpstreamRegistry registry, UpstreamConnector connector, WebSocketProperties websocket) {
		this.registry = registry;
		this.connector = connector;
		for (UpstreamRoute route : registry.routes()) {
			if (route.matches(websocket.path())) {
				throw new IllegalStateException("Upstream route " + route.id() + " cannot take the gateway's own path "
						+ websocket.path() + " (gateway.websocket.path)");
			}
		}
	}

	/**
	 * Called once while the Jetty server is customised; returns the handler that upgrades
	 * the routes' requests in front of {@code next}, or {@code next} itself without routes.
	 * @param contextPath the servlet context path, which the routes' paths are within
	 * @param checks the gateway's handshake checks, in the order they run on its own
	 * endpoint; a route selects its target after them
	 */
	public Handler handler(Server server, Handler next, String contextPath, List<HandshakeInterceptor> checks) {
		if (this.registry.routes().isEmpty()) {
			return next;
		}
		return new UpstreamUpgradeHandler(next, contextPath, this.registry.routes(), checks, this.connector,
				this.registry, ServerWebSocketContainer.ensure(server),
				WebSocketServerComponents.ensureWebSocketComponents(server));
	}

}
