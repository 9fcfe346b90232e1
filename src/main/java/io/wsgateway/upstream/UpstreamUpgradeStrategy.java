package io.wsgateway.upstream;

import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Map;

import io.wsgateway.session.HandshakeAttributes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.websocket.server.JettyWebSocketCreator;
import org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.RequestUpgradeStrategy;

/**
 * Upgrades the client of an upstream route straight onto its {@link UpstreamBridge}'s Jetty
 * listener instead of a Spring {@link WebSocketHandler}: Spring's Jetty adapter delivers
 * whole messages only and demands the next frame on its own, and the bridge needs
 * fragments and explicit demand. The client gets the subprotocol the upstream accepted,
 * and no extensions, so frames pass unchanged.
 */
final class UpstreamUpgradeStrategy implements RequestUpgradeStrategy {

	private static final String[] VERSIONS = { "13" };

	@Override
	public String[] getSupportedVersions() {
		return VERSIONS;
	}

	@Override
	public List<WebSocketExtension> getSupportedExtensions(ServerHttpRequest request) {
		return List.of();
	}

	/**
	 * Called by the handshake handler after every interceptor passed; upgrades the
	 * connection or throws. The bridge takes the connection's admission slot with it.
	 */
	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, Principal user, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		if (!(attributes.get(UpstreamHandshakeInterceptor.BRIDGE) instanceof UpstreamBridge bridge)) {
			throw new HandshakeFailureException("No upstream connection for this handshake");
		}
		HttpServletRequest servletRequest = ((ServletServerHttpRequest) request).getServletRequest();
		HttpServletResponse servletResponse = ((ServletServerHttpResponse) response).getServletResponse();
		JettyWebSocketServerContainer container = JettyWebSocketServerContainer
			.getContainer(servletRequest.getServletContext());
		JettyWebSocketCreator creator = (upgradeRequest, upgradeResponse) -> {
			String subprotocol = bridge.subprotocol();
			if (subprotocol != null) {
				upgradeResponse.setAcceptedSubProtocol(subprotocol);
			}
			upgradeResponse.setExtensions(List.of());
			return bridge.clientListener();
		};
		bridge.adoptLease(attributes.remove(HandshakeAttributes.ADMISSION_LEASE));
		try {
			if (container == null || !container.upgrade(creator, servletRequest, servletResponse)) {
				throw new HandshakeFailureException("Failed to upgrade");
			}
		}
		catch (IOException ex) {
			throw new HandshakeFailureException("Failed to upgrade", ex);
		}
	}

}
