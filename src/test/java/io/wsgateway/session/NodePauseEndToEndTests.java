package io.wsgateway.session;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wsgateway.testsupport.GatewayProcess;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pause of the node itself, as a long collection or a starved container would cause:
 * the gateway runs in a JVM of its own with a 1 s heartbeat, is stopped with SIGSTOP for
 * 5 s (five intervals) while 20 clients that answer every ping are connected, and
 * continued. None of them is closed, and each still gets its replies.
 */
@EnabledOnOs(OS.LINUX)
class NodePauseEndToEndTests {

	private GatewayProcess gateway;

	private final List<TestClient> clients = new ArrayList<>();

	@AfterEach
	void stop() throws InterruptedException, IOException {
		this.clients.forEach(TestClient::close);
		if (this.gateway != null) {
			signal("CONT");
			this.gateway.close();
		}
	}

	@Test
	void keepsClientsThatAnswerPingsAcrossAPauseOfTheNode() throws IOException, InterruptedException {
		this.gateway = GatewayProcess.start("paused-node", "--gateway.websocket.heartbeat-interval=1s",
				"--gateway.admission.max-connections-per-ip=100", "--gateway.admission.handshakes-per-minute-per-ip=600",
				"--logging.level.io.wsgateway=DEBUG");
		int port = this.gateway.port();
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
		assertThat(this.gateway.lines()).noneMatch((line) -> line.contains("heartbeat timeout"));
	}

	private void signal(String name) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(this.gateway.pid())).start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
	}

}
