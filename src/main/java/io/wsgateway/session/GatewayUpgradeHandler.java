package io.wsgateway.session;

import java.time.Duration;
import java.util.List;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;

import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.HandshakeInterceptorChain;

/**
 * Upgrades requests for the gateway's WebSocket path in front of the servlet container,
 * on Jetty's core WebSocket API; every other request goes on to Spring MVC.
 *
 * <p>The endpoint is {@link GatewayWebSocketHandler}, a Spring {@link WebSocketHandler},
 * reached through a chain of decorators: the {@link WebSocketHandlerDecoratorFactory}s
 * given, applied in order as Spring applies them (each wraps the previous, so the first is
 * closest to the endpoint), inside the one that sets the logging context. Each connection
 * is a {@link GatewayConnection}, Spring's {@code WebSocketSession} over the core session.
 *
 * <p>Why Jetty's core API and not Spring's servlet upgrade: there, each upgraded
 * connection keeps its servlet request, HTTP channel and handshake headers for its whole
 * life (12 KB of heap per idle connection, against 3.4 KB here), and each handshake
 * crosses the servlet filter chain and Spring MVC's dispatch (twice the CPU). The
 * handshake checks are the same {@link HandshakeInterceptor}s, run by Spring's
 * {@link HandshakeInterceptorChain} on {@link JettyHandshakeRequest} and
 * {@link JettyHandshakeResponse}.
 *
 * <p>A request for the path that is not a WebSocket upgrade is answered here: 405 for a
 * method other than GET, 426 (with {@code Sec-WebSocket-Version: 13}) for another
 * WebSocket version, 400 otherwise. The checks run after that validation, so a malformed
 * upgrade spends no rate-limit token or connection slot.
 */
public final class GatewayUpgradeHandler extends Handler.Wrapper {

	private final String path;

	private final List<HandshakeInterceptor> checks;

	private final GatewayWebSocketHandler endpoint;

	private final WebSocketHandler handler;

	private final WebSocketComponents components;

	private final Configuration.Customizer configuration;

	private final boolean compression;

	private final Handshaker handshaker = Handshaker.newInstance();

	/**
	 * @param path the full request path to upgrade (context path included)
	 * @param checks the handshake checks, in order
	 * @param decorators the application's decorators of the endpoint, in order
	 * @param configuration applied to each new connection (message and frame sizes, idle timeout)
	 * @param compression whether to accept {@code permessage-deflate}; without it no extension is
	 * negotiated
	 */
	public GatewayUpgradeHandler(Server server, Handler next, String path, List<HandshakeInterceptor> checks,
			GatewayWebSocketHandler endpoint, List<WebSocketHandlerDecoratorFactory> decorators,
			WebSocketProperties properties) {
		super(next);
		this.path = path;
		this.checks = List.copyOf(checks);
		this.endpoint = endpoint;
		this.handler = decorate(endpoint, decorators);
		this.components = WebSocketServerComponents.ensureWebSocketComponents(server);
		this.configuration = connectionConfiguration(properties);
		this.compression = properties.compression();
	}

	private static Configuration.Customizer connectionConfiguration(WebSocketProperties properties) {
		long maxMessageSize = properties.maxMessageSize().toBytes();
		// Jetty's own idle timeout is only a backstop: SessionTimers applies heartbeat and
		// idle-timeout, and Jetty would count the server's own pings as activity.
		Duration jettyIdleTimeout = properties.idleTimeout().plus(properties.heartbeatInterval().multipliedBy(2));
		return (configurable) -> {
			configurable.setMaxTextMessageSize(maxMessageSize);
			configurable.setMaxBinaryMessageSize(maxMessageSize);
			configurable.setMaxFrameSize(maxMessageSize);
			configurable.setIdleTimeout(jettyIdleTimeout);
		};
	}

	private static WebSocketHandler decorate(GatewayWebSocketHandler endpoint,
			List<WebSocketHandlerDecoratorFactory> decorators) {
		WebSocketHandler handler = endpoint;
		for (WebSocketHandlerDecoratorFactory decorator : decorators) {
			handler = decorator.decorate(handler);
		}
		return new LogContextHandlerDecorator(handler);
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		if (!this.path.equals(Request.getPathInContext(request))) {
			return super.handle(request, response, callback);
		}
		if (!this.handshaker.isWebSocketUpgradeRequest(request)) {
			UpgradeChecks.refuseNonUpgrade(request, response, callback);
			return true;
		}
		Negotiation negotiation = new Negotiation();
		try {
			if (!this.handshaker.upgradeRequest(negotiation, request, response, negotiation.completion(callback),
					this.components, this.configuration)) {
				UpgradeChecks.refuse(request, response, callback, HttpStatus.BAD_REQUEST_400, "not a valid WebSocket upgrade");
			}
		}
		catch (Exception ex) {
			negotiation.abandon();
			if (response.isCommitted()) {
				callback.failed(ex);
			}
			else {
				Response.writeError(request, response, callback, ex);
			}
		}
		return true;
	}

	/** One handshake: runs the checks, then creates the connection and its frame handler. */
	private final class Negotiation implements WebSocketNegotiator {

		private GatewayConnection connection;

		@Override
		public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
			AcceptedHandshake accepted;
			try {
				accepted = UpgradeChecks.run(GatewayUpgradeHandler.this.checks, request, response, callback);
			}
			catch (Exception ex) {
				throw new IllegalStateException("Handshake check failed", ex);
			}
			if (accepted == null) {
				return null;
			}
			this.connection = new GatewayConnection(accepted, GatewayUpgradeHandler.this.endpoint,
					GatewayUpgradeHandler.this.handler);
			if (!GatewayUpgradeHandler.this.compression) {
				response.setExtensions(List.of());
			}
			return new ConnectionFrameHandler(this.connection);
		}

		@Override
		public void customize(Configuration configurable) {
		}

		// The 101 could not be written: the connection never opens, so it never closes either.
		Callback completion(Callback callback) {
			return Callback.from(callback::succeeded, (failure) -> {
				abandon();
				callback.failed(failure);
			});
		}

		void abandon() {
			if (this.connection != null) {
				this.connection.abandoned();
			}
		}

	}

}
