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

	private BareJettyServer() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		Server server = new Server();
		ServerConnector connector = new ServerConnector(server);
		connector.setHost("127.0.0.1");
		connector.setPort(port);
		connector.setIdleTimeout(Duration.ofMinutes(10).toMillis());
		server.addConnector(connector);
		ServletContextHandler context = new ServletContextHandler("/");
		server.setHandler(context);
		JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
			container.setDefaultMaxTextMessageBufferSize(BareEchoEndpoint.maxTextMessageSize());
			container.setDefaultMaxSessionIdleTimeout(Duration.ofMinutes(10).toMillis());
			container.addEndpoint(BareEchoEndpoint.class);
		});
		server.start();
		server.join();
	}

}
