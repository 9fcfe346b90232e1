package io.wsgateway.handshake;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Puts the limits on connections that have not completed a request on the management
 * port's server too, when {@code management.server.port} gives Actuator a server of its
 * own: that server is built in a child context, which the application's server customizers
 * do not reach. Listed in {@code META-INF/spring/...ManagementContextConfiguration.imports};
 * should component scanning also find it, installing on a server twice changes nothing.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class PendingConnectionsManagementConfiguration {

	@Bean
	WebServerFactoryCustomizer<JettyServletWebServerFactory> managementPendingConnectionsCustomizer(
			PendingConnections pendingConnections) {
		return (factory) -> factory.addServerCustomizers(pendingConnections::install);
	}

}
