package io.wsgateway.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The RabbitMQ broker for tests, found as the design says: {@code GATEWAY_TEST_RABBITMQ_URI}
 * if set; else a Testcontainers broker where Docker runs; else a broker on
 * 127.0.0.1:5672 (guest/guest) if one answers; else the test fails when {@code CI} is set
 * and is skipped with the reason otherwise.
 *
 * @param host broker host
 * @param port AMQP port
 * @param username user
 * @param password password
 */
public record RabbitBroker(String host, int port, String username, String password) {

	private static final String URI_VARIABLE = "GATEWAY_TEST_RABBITMQ_URI";

	private static final String CTL_NODE_VARIABLE = "GATEWAY_TEST_RABBITMQCTL_NODE";

	private static final int LOCAL_PORT = 5672;

	private static RabbitBroker found;

	/** Returns the broker, starting a container on first use if that is the way. */
	public static synchronized RabbitBroker get() {
		if (found == null) {
			found = find();
		}
		return found;
	}

	/** Returns Spring Boot properties that point {@code spring.rabbitmq.*} at this broker. */
	public String[] springProperties() {
		return new String[] { "spring.rabbitmq.host=" + this.host, "spring.rabbitmq.port=" + this.port,
				"spring.rabbitmq.username=" + this.username, "spring.rabbitmq.password=" + this.password };
	}

	/** Returns a client connection factory for playing a backend service. */
	public com.rabbitmq.client.ConnectionFactory clientFactory() {
		com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
		factory.setHost(this.host);
		factory.setPort(this.port);
		factory.setUsername(this.username);
		factory.setPassword(this.password);
		return factory;
	}

	/**
	 * Runs {@code rabbitmqctl} on the broker's node, for fault tests: the node named by
	 * {@code GATEWAY_TEST_RABBITMQCTL_NODE} (for a second, private broker beside a shared
	 * one), else rabbitmqctl's default node.
	 * @return what it printed
	 * @throws IllegalStateException if it fails or takes more than a minute
	 */
	public static String ctl(String... arguments) {
		List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
		String node = System.getenv(CTL_NODE_VARIABLE);
		if (node != null && !node.isBlank()) {
			command.addAll(List.of("-n", node));
		}
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			boolean finished = process.waitFor(60, TimeUnit.SECONDS);
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!finished || process.exitValue() != 0) {
				process.destroy();
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException(String.join(" ", command) + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(String.join(" ", command) + " interrupted", ex);
		}
	}

	/**
	 * Closes one client connection on the broker, the one whose client side has this local
	 * port, as the broker does when it drops a connection: for fault tests that must not
	 * disturb other connections.
	 * @throws IllegalStateException if no such connection exists
	 */
	public static void closeConnection(int localPort, String reason) {
		for (String line : ctl("list_connections", "pid", "peer_port", "-q").split("\\R")) {
			String[] fields = line.trim().split("\\s+");
			if (fields.length == 2 && fields[1].equals(Integer.toString(localPort))) {
				ctl("close_connection", fields[0], reason);
				return;
			}
		}
		throw new IllegalStateException("no broker connection from local port " + localPort);
	}

	private static RabbitBroker find() {
		String uri = System.getenv(URI_VARIABLE);
		if (uri != null && !uri.isBlank()) {
			URI parsed = URI.create(uri);
			String[] user = (parsed.getUserInfo() != null) ? parsed.getUserInfo().split(":", 2)
					: new String[] { "guest", "guest" };
			return new RabbitBroker(parsed.getHost(), (parsed.getPort() > 0) ? parsed.getPort() : LOCAL_PORT, user[0],
					(user.length > 1) ? user[1] : "");
		}
		if (ServiceLookup.dockerAvailable()) {
			RabbitMQContainer container = new RabbitMQContainer("rabbitmq:4-management-alpine");
			container.start();
			return new RabbitBroker(container.getHost(), container.getAmqpPort(), container.getAdminUsername(),
					container.getAdminPassword());
		}
		if (ServiceLookup.answers("127.0.0.1", LOCAL_PORT)) {
			return new RabbitBroker("127.0.0.1", LOCAL_PORT, "guest", "guest");
		}
		String reason = "No RabbitMQ: set " + URI_VARIABLE + ", run Docker, or start a broker on 127.0.0.1:5672";
		return ServiceLookup.unavailable(reason);
	}

}
