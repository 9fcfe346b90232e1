package io.wsgateway.session;

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
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pause of the node itself, as a long collection or a starved container would cause:
 * the gateway runs in a JVM of its own with a 1 s heartbeat, is stopped with SIGSTOP for
 * 5 s (five intervals) while 20 clients that answer every ping are connected, and
 * continued. None of them is closed, and each still gets its replies.
 */
@EnabledOnOs(OS.LINUX)
class NodePauseEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final Pattern STARTED = Pattern.compile("started on port (\\d+)");

	private Process process;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final List<TestClient> clients = new ArrayList<>();

	@AfterEach
	void stop() throws InterruptedException, IOException {
		this.clients.forEach(TestClient::close);
		if (this.process != null) {
			signal("CONT");
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void keepsClientsThatAnswerPingsAcrossAPauseOfTheNode() throws IOException, InterruptedException {
		int port = start();
		for (int i = 0; i < 20; i++) {
			this.clients.add(TestClient.connect(port, TestTokens.token("paused-node-" + i)));
		}
		for (TestClient client : this.clients) {
			assertThat(client.request("{\"type\":\"ping\"}").path("type").asString()).isEqualTo("pong");
		}

		signal("STOP");
		Thread.sleep(5_000);
		signal("CONT");

		// four heartbeat intervals of the running node: time enough for two unanswered pings
		Thread.sleep(4_000);
		for (TestClient client : this.clients) {
			assertThat(client.isClosed()).as("closed: %s", client.closeReason()).isFalse();
			assertThat(client.request("{\"type\":\"ping\"}").path("type").asString()).isEqualTo("pong");
		}
		assertThat(this.lines).noneMatch((line) -> line.contains("heartbeat timeout"));
	}

	private void signal(String name) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(this.process.pid())).start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
	}

	private int start() throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", applicationClasspath(),
				GatewayApplication.class.getName(), "--server.port=0", "--spring.main.banner-mode=off",
				"--gateway.node-id=paused-node", "--gateway.security.jwt.secret=" + TestTokens.SECRET,
				"--gateway.websocket.heartbeat-interval=1s", "--gateway.admission.max-connections-per-ip=100",
				"--gateway.admission.handshakes-per-minute-per-ip=600", "--logging.level.io.wsgateway=DEBUG"));
		this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Thread reader = new Thread(() -> {
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
		}, "paused-node-output");
		reader.setDaemon(true);
		reader.start();
		int[] port = new int[1];
		await().atMost(WAIT).until(() -> {
			if (!this.process.isAlive()) {
				throw new AssertionError("gateway exited with " + this.process.exitValue() + ": " + this.lines);
			}
			for (String line : this.lines) {
				Matcher started = STARTED.matcher(line);
				if (started.find()) {
					port[0] = Integer.parseInt(started.group(1));
					return true;
				}
			}
			return false;
		});
		return port[0];
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
