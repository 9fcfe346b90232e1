package io.wsgateway.upstream;

import java.util.Arrays;

import io.wsgateway.session.WebSocketProperties;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Mounts the configured upstream routes on the gateway's port, each behind the gateway's
 * own handshake checks followed by its target selection.
 */
@Component
public class UpstreamRoutes {

	private static final WebSocketHandler NO_HANDLER = new NoHandler();

	private final UpstreamRegistry registry;

	private final UpstreamConnector connector;

	private final UpstreamUpgradeStrategy upgradeStrategy = new UpstreamUpgradeStrategy();

	UpstreamRoutes(UpstreamRegistry registry, UpstreamConnector connector, WebSocketProperties websocket) {
		this.registry = registry;
		this.connector = connector;
		for (UpstreamRoute route : registry.routes()) {
			if (route.path().equals(websocket.path())) {
				throw new IllegalStateException("Upstream route " + route.id() + " cannot take the gateway's own path "
						+ websocket.path() + " (gateway.websocket.path)");
			}
		}
	}

	/**
	 * Called once while the WebSocket endpoints are registered; adds every route's path.
	 * @param checks the gateway's handshake interceptors, in the order they run on its own
	 * endpoint; a route adds its target selection after them
	 */
	public void register(WebSocketHandlerRegistry handlers, HandshakeInterceptor... checks) {
		for (UpstreamRoute route : this.registry.routes()) {
			HandshakeInterceptor[] interceptors = Arrays.copyOf(checks, checks.length + 1);
			interceptors[checks.length] = new UpstreamHandshakeInterceptor(route, this.connector, this.registry);
			handlers.addHandler(NO_HANDLER, route.path())
				.setHandshakeHandler(new DefaultHandshakeHandler(this.upgradeStrategy))
				.addInterceptors(interceptors)
				// origins are checked by the gateway's own interceptor among the checks
				.setAllowedOriginPatterns("*");
		}
	}

	/**
	 * Spring's registry wants a handler per path, but {@link UpstreamUpgradeStrategy} hands
	 * upstream connections to their {@link UpstreamBridge}, so this one is never called.
	 */
	private static final class NoHandler implements WebSocketHandler {

		@Override
		public void afterConnectionEstablished(WebSocketSession session) {
			throw new IllegalStateException("upstream routes are served by UpstreamBridge");
		}

		@Override
		public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
			throw new IllegalStateException("upstream routes are served by UpstreamBridge");
		}

		@Override
		public void handleTransportError(WebSocketSession session, Throwable exception) {
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
		}

		@Override
		public boolean supportsPartialMessages() {
			return true;
		}

	}

}
