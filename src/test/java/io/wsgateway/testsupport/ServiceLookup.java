package io.wsgateway.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * The steps every lookup of a real service shares (docs/testing.md): whether Docker can
 * start a container, whether a local service answers, and what to do when neither.
 */
final class ServiceLookup {

	private ServiceLookup() {
	}

	/** Returns whether Testcontainers can reach a Docker engine. */
	static boolean dockerAvailable() {
		// Asking Testcontainers without any Docker endpoint only logs a page of errors.
		if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	/** Returns whether something accepts TCP connections there within a second. */
	static boolean answers(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Fails the test under CI, where the service must be there, and skips it with the reason
	 * otherwise; never returns normally.
	 */
	static <T> T unavailable(String reason) {
		if (System.getenv("CI") != null) {
			throw new IllegalStateException(reason);
		}
		Assumptions.abort(reason);
		return null;
	}

}
