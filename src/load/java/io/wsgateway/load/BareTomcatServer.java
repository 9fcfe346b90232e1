package io.wsgateway.load;

import java.nio.file.Files;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * {@link BareEchoEndpoint} on a plain embedded Tomcat 11 (the version Spring Boot 4.1.0
 * manages), loopback only, connection limit raised to 20,000 (Tomcat's default is 8,192).
 * Usage: {@code BareTomcatServer <port>}; {@code -Dbare.maxText} sets the largest text
 * message, which Tomcat allocates per session up front (default 512 KB).
 */
public final class BareTomcatServer {

	private BareTomcatServer() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		Tomcat tomcat = new Tomcat();
		tomcat.setBaseDir(Files.createTempDirectory("bare-tomcat").toString());
		Connector connector = new Connector("HTTP/1.1");
		connector.setPort(port);
		connector.setProperty("address", "127.0.0.1");
		connector.setProperty("maxConnections", "20000");
		tomcat.setConnector(connector);
		Context context = tomcat.addContext("", null);
		context.addServletContainerInitializer(new WsSci(), null);
		// Tomcat runs filters (its WebSocket upgrade is WsFilter) only for a request mapped to a servlet
		Tomcat.addServlet(context, "default", new HttpServlet() {
			private static final long serialVersionUID = 1L;
		});
		context.addServletMappingDecoded("/", "default");
		context.addApplicationListener(Deployer.class.getName());
		tomcat.start();
		tomcat.getServer().await();
	}

	/** Adds the endpoint once Tomcat's WebSocket container exists. */
	public static final class Deployer implements ServletContextListener {

		@Override
		public void contextInitialized(ServletContextEvent event) {
			ServerContainer container = (ServerContainer) event.getServletContext()
				.getAttribute(ServerContainer.class.getName());
			container.setDefaultMaxTextMessageBufferSize(BareEchoEndpoint.maxTextMessageSize());
			try {
				container.addEndpoint(BareEchoEndpoint.class);
			}
			catch (DeploymentException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
