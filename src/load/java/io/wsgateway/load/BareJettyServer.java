package io.wsgateway.load;

import java.time.Duration;

import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * {@link BareEchoEndpoint} on a plain embedded Jetty 12.1 (EE 11, the same jars the gateway
 * runs on), loopback only. Usage: {@code BareJettyServer <port>}; {@code -Dbare.maxText}
 * sets the largest text message (default 512 KB, the gateway's default).
 */
public final class BareJettyServer {

	static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

	private BareJettyServer() {
	}

	public static void main(String[] args) throws Exception {
		Server server = loopbackServer(Integer.parseInt(args[0]));
		ServletContextHandler context = new ServletContextHandler("/");
		server.setHandler(context);
		JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
			container.setDefaultMaxTextMessageBufferSize(BareEchoEndpoint.maxTextMessageSize());
			container.setDefaultMaxSessionIdleTimeout(IDLE_TIMEOUT.toMillis());
			container.addEndpoint(BareEchoEndpoint.class);
		});
		server.start();
		server.join();
	}

	/** A Jetty server with one connector on 127.0.0.1 whose idle timeout outlasts any scenario. */
	static Server loopbackServer(int port) {
		Server server = new Server();
		ServerConnector connector = new ServerConnector(server);
		connector.setHost("127.0.0.1");
		connector.setPort(port);
		connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
		server.addConnector(connector);
		return server;
	}

}
