package io.wsgateway;

import java.time.Duration;

import io.wsgateway.handshake.AdmissionHandshakeInterceptor;
import io.wsgateway.handshake.ConnectionLimitInterceptor;
import io.wsgateway.handshake.OriginCheckInterceptor;
import io.wsgateway.handshake.TokenHandshakeInterceptor;
import io.wsgateway.session.GatewayWebSocketHandler;
import io.wsgateway.session.WebSocketProperties;
import io.wsgateway.upstream.UpstreamRoutes;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.jetty.JettyRequestUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Mounts the gateway endpoint at {@code gateway.websocket.path} with its handshake checks
 * in order: admission (cheap refusals first), origin, token, connection slot. The upstream
 * routes ({@code gateway.upstreams.routes}) get the same checks, then their target selection.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketEndpointConfiguration implements WebSocketConfigurer {

	private final GatewayWebSocketHandler handler;

	private final WebSocketProperties properties;

	private final AdmissionHandshakeInterceptor admission;

	private final OriginCheckInterceptor origin;

	private final TokenHandshakeInterceptor token;

	private final ConnectionLimitInterceptor connectionLimit;

	private final UpstreamRoutes upstreamRoutes;

	WebSocketEndpointConfiguration(GatewayWebSocketHandler handler, WebSocketProperties properties,
			AdmissionHandshakeInterceptor admission, OriginCheckInterceptor origin, TokenHandshakeInterceptor token,
			ConnectionLimitInterceptor connectionLimit, UpstreamRoutes upstreamRoutes) {
		this.handler = handler;
		this.properties = properties;
		this.admission = admission;
		this.origin = origin;
		this.token = token;
		this.connectionLimit = connectionLimit;
		this.upstreamRoutes = upstreamRoutes;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		HandshakeInterceptor[] checks = { this.admission, this.origin, this.token, this.connectionLimit };
		registry.addHandler(this.handler, this.properties.path())
			.setHandshakeHandler(new DefaultHandshakeHandler(upgradeStrategy()))
			.addInterceptors(checks)
			// Origins are checked by OriginCheckInterceptor; this stops Spring adding its own check.
			.setAllowedOriginPatterns("*");
		this.upstreamRoutes.register(registry, checks);
	}

	private JettyRequestUpgradeStrategy upgradeStrategy() {
		long maxMessageSize = this.properties.maxMessageSize().toBytes();
		// Jetty's own idle timeout is only a backstop: SessionTimers applies heartbeat and
		// idle-timeout, and Jetty would count the server's own pings as activity.
		Duration jettyIdleTimeout = this.properties.idleTimeout().plus(this.properties.heartbeatInterval().multipliedBy(2));
		JettyRequestUpgradeStrategy strategy = new JettyRequestUpgradeStrategy();
		strategy.addWebSocketConfigurer((configurable) -> {
			configurable.setMaxTextMessageSize(maxMessageSize);
			configurable.setMaxBinaryMessageSize(maxMessageSize);
			configurable.setMaxFrameSize(maxMessageSize);
			configurable.setIdleTimeout(jettyIdleTimeout);
		});
		return strategy;
	}

}
