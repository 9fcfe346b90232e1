package io.wsgateway;

import java.util.List;

import io.wsgateway.handshake.AdmissionHandshakeInterceptor;
import io.wsgateway.handshake.ConnectionLimitInterceptor;
import io.wsgateway.handshake.OriginCheckInterceptor;
import io.wsgateway.handshake.PendingConnections;
import io.wsgateway.handshake.TokenHandshakeInterceptor;
import io.wsgateway.session.GatewayUpgradeHandler;
import io.wsgateway.session.GatewayWebSocketHandler;
import io.wsgateway.session.WebSocketProperties;
import io.wsgateway.upstream.UpstreamRoutes;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Mounts the gateway endpoint at {@code gateway.websocket.path} with its handshake checks
 * in order: admission (cheap refusals first), origin, token, connection slot. The endpoint,
 * the {@link GatewayWebSocketHandler} bean, is decorated by every
 * {@link WebSocketHandlerDecoratorFactory} bean in their order, and upgraded by a Jetty
 * handler in front of the servlet container ({@link GatewayUpgradeHandler}),
 * followed by the upstream routes' handler ({@code gateway.upstreams.routes}, see
 * {@link UpstreamRoutes}), with the same checks, then their target selection. Every
 * connector also gets the limits on connections that have not completed a request
 * ({@link PendingConnections}).
 */
@Configuration(proxyBeanMethods = false)
class WebSocketEndpointConfiguration {

	private final List<HandshakeInterceptor> checks;

	private final UpstreamRoutes upstreamRoutes;

	WebSocketEndpointConfiguration(AdmissionHandshakeInterceptor admission, OriginCheckInterceptor origin,
			TokenHandshakeInterceptor token, ConnectionLimitInterceptor connectionLimit, UpstreamRoutes upstreamRoutes) {
		this.checks = List.of(admission, origin, token, connectionLimit);
		this.upstreamRoutes = upstreamRoutes;
	}

	@Bean
	WebServerFactoryCustomizer<JettyServletWebServerFactory> gatewayEndpointCustomizer(GatewayWebSocketHandler endpoint,
			ObjectProvider<WebSocketHandlerDecoratorFactory> decorators, WebSocketProperties properties,
			PendingConnections pendingConnections, Environment environment) {
		String contextPath = environment.getProperty("server.servlet.context-path", "");
		List<WebSocketHandlerDecoratorFactory> ordered = decorators.orderedStream().toList();
		return (factory) -> factory.addServerCustomizers((server) -> {
			pendingConnections.install(server);
			server.setHandler(new GatewayUpgradeHandler(server,
					this.upstreamRoutes.handler(server, server.getHandler(), contextPath, this.checks),
					contextPath + properties.path(), this.checks, endpoint, ordered, properties));
		});
	}

}
