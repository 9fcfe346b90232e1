package io.wsgateway;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * This node's identity ({@code gateway.node-id}), shown in {@code status} replies and
 * carried on every event this node publishes so that it can recognise its own events.
 *
 * @param nodeId the node's name, shown in {@code status} replies and
 * {@code /actuator/websocket}; defaults to the host name (the pod name on Kubernetes)
 */
@ConfigurationProperties("gateway")
public record NodeProperties(String nodeId) {

	public NodeProperties {
		if (nodeId == null || nodeId.isBlank()) {
			nodeId = hostName();
		}
	}

	private static String hostName() {
		String fromEnv = System.getenv("HOSTNAME");
		if (fromEnv != null && !fromEnv.isBlank()) {
			return fromEnv;
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "gateway";
		}
	}

}
