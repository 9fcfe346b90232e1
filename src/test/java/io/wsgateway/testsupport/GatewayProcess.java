package io.wsgateway.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.wsgateway.GatewayApplication;

import static org.awaitility.Awaitility.await;

/**
 * A gateway in a JVM of its own, for tests that need what a test's own JVM cannot give: the
 * application's logging without the tests' {@code logback-test.xml}, or a process to stop
 * with a signal. It runs with the application's classpath but not the test classes, on a free
 * port, with the tests' signing key; every line it prints is kept.
 */
public final class GatewayProcess implements AutoCloseable {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final Pattern STARTED = Pattern.compile("started on port (\\d+)");

	private final Process process;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final int port;

	private GatewayProcess(String nodeId, List<String> arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", applicationClasspath(),
				GatewayApplication.class.getName(), "--server.port=0", "--spring.main.banner-mode=off",
				"--gateway.node-id=" + nodeId, "--gateway.security.jwt.secret=" + TestTokens.SECRET));
		command.addAll(arguments);
		this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Thread reader = new Thread(this::readOutput, nodeId + "-output");
		reader.setDaemon(true);
		reader.start();
		this.port = awaitPort();
	}

	/** Starts a gateway named {@code nodeId} with these extra arguments and waits until it listens. */
	public static GatewayProcess start(String nodeId, String... arguments) throws IOException {
		return new GatewayProcess(nodeId, Arrays.asList(arguments));
	}

	/** Returns the port the gateway listens on, read from its log. */
	public int port() {
		return this.port;
	}

	/** Returns every line the gateway printed so far. */
	public List<String> lines() {
		return this.lines;
	}

	/** Returns the gateway's process id, for signals. */
	public long pid() {
		return this.process.pid();
	}

	/** Stops the gateway: SIGTERM, then SIGKILL if it is still running 30 s later. */
	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private void readOutput() {
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = out.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	private int awaitPort() {
		int[] found = new int[1];
		await().atMost(WAIT).until(() -> {
			if (!this.process.isAlive()) {
				throw new AssertionError("gateway exited with " + this.process.exitValue() + ": " + this.lines);
			}
			for (String line : this.lines) {
				Matcher started = STARTED.matcher(line);
				if (started.find()) {
					found[0] = Integer.parseInt(started.group(1));
					return true;
				}
			}
			return false;
		});
		return found[0];
	}

	/** The test JVM's classpath without the test classes (and so without logback-test.xml). */
	private static String applicationClasspath() {
		String classpath = System.getProperty("surefire.test.class.path");
		if (classpath == null || classpath.isBlank()) {
			classpath = System.getProperty("java.class.path");
		}
		return Arrays.stream(classpath.split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.filter((entry) -> !Path.of(entry).normalize().endsWith(Path.of("target", "test-classes")))
			.collect(Collectors.joining(File.pathSeparator));
	}

}
