package io.wsgateway.session;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.wsgateway.handshake.ConnectionSlots;
import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's upgrade path on a real server: what a request for the WebSocket path that
 * is not a valid upgrade gets, that such a request spends no connection slot, and the
 * frame rules Jetty's core API leaves to the gateway (pong for ping, binary messages of
 * several frames, invalid UTF-8).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET,
				"gateway.admission.max-connections-per-ip=1" })
@ActiveProfiles("test")
class GatewayUpgradeHandlerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	ConnectionSlots slots;

	// One connection per IP is allowed, and the previous test's connection gives its slot back
	// only once the server has seen it close: without this wait a handshake can meet 429.
	@BeforeEach
	void previousConnectionsHaveEnded() {
		await().atMost(WAIT).until(() -> this.slots.taken() == 0);
	}

	@Test
	void answersPostToTheWebSocketPathWith405() throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(wsUri())
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("Allow")).hasValue("GET");
	}

	@Test
	void refusesABodyItWillNotReadAndSaysItClosesTheConnection() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			String request = "PUT /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
					+ "Content-Length: 1000000\r\n\r\n{\"a\":\"";
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			String head = readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 405 ");
			assertThat(head.toLowerCase()).contains("connection: close");
		}
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			String head = readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 400 ");
			assertThat(head.toLowerCase()).doesNotContain("connection: close");
		}
	}

	@Test
	void answersPlainGetToTheWebSocketPathWith400() throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(wsUri()).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("Upgrade");
	}

	@Test
	void answersAnotherWebSocketVersionWith426AndTheSupportedVersion() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n"
					+ "Authorization: Bearer " + TestTokens.token("v8") + "\r\n\r\n";
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			String head = readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 426 ");
			assertThat(head.toLowerCase()).contains("sec-websocket-version: 13");
		}
	}

	@Test
	void malformedUpgradesSpendNoConnectionSlot() throws Exception {
		for (int i = 0; i < 3; i++) {
			HTTP.send(HttpRequest.newBuilder(wsUri()).header("Authorization", "Bearer " + TestTokens.token("slot"))
				.build(), HttpResponse.BodyHandlers.discarding());
		}
		// One connection per IP is allowed: a slot taken by a refused request would make this 429.
		try (TestClient client = TestClient.connect(this.port, TestTokens.token("slot"))) {
			assertThat(client.connected().get("userId").asString()).isEqualTo("slot");
		}
	}

	@Test
	void negotiatesNoCompressionByDefault() throws IOException {
		Map<String, String> headers = new HashMap<>(TestClient.bearer(TestTokens.token("deflate")));
		headers.put("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
		try (RawWebSocket raw = RawWebSocket.connect(this.port, "/ws", headers)) {
			assertThat(raw.status()).isEqualTo(101);
			assertThat(raw.header("Sec-WebSocket-Extensions")).isNull();
			RawWebSocket.Frame connected = raw.readFrame(WAIT);
			assertThat(connected.text()).contains("\"connected\"");
		}
	}

	@Test
	void answersPingWithPongCarryingTheSamePayloadAndCountsItAsActivity() throws Exception {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, "/ws", TestClient.bearer(TestTokens.token("pinger")))) {
			assertThat(raw.status()).isEqualTo(101);
			String connectionId = TestClient.json().readTree(raw.readFrame(WAIT).text()).get("connectionId").asString();
			ClientSession session = TestSessions.awaitRegistered(this.registry, connectionId);
			Instant connectedAt = session.lastActiveAt();
			Thread.sleep(20);
			raw.sendFrame(RawWebSocket.PING, true, "are you there".getBytes(StandardCharsets.UTF_8));
			RawWebSocket.Frame pong = raw.readFrame(WAIT);
			assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
			assertThat(pong.text()).isEqualTo("are you there");
			assertThat(session.lastActiveAt()).isAfter(connectedAt);
			assertThat(session.messagesIn()).isZero();
			raw.sendText("{\"type\":\"ping\",\"id\":\"1\"}");
			assertThat(raw.readFrame(WAIT).text()).contains("\"pong\"");
		}
	}

	@Test
	void closesWith1003OnABinaryMessageSentInSeveralFrames() throws IOException {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, "/ws", TestClient.bearer(TestTokens.token("bin")))) {
			assertThat(raw.status()).isEqualTo(101);
			raw.readFrame(WAIT);
			raw.sendFrame(RawWebSocket.BINARY, false, new byte[] { 1, 2 });
			raw.sendFrame(RawWebSocket.CONTINUATION, true, new byte[] { 3, 4 });
			assertThat(raw.awaitClose(WAIT)).isEqualTo(1003);
		}
	}

	@Test
	void closesWith1007OnInvalidUtf8() throws IOException {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, "/ws", TestClient.bearer(TestTokens.token("utf8")))) {
			assertThat(raw.status()).isEqualTo(101);
			raw.readFrame(WAIT);
			raw.sendFrame(RawWebSocket.TEXT, true, new byte[] { '{', (byte) 0xC3, (byte) 0x28, '}' });
			assertThat(raw.awaitClose(WAIT)).isEqualTo(1007);
		}
	}

	@Test
	void assemblesATextMessageSentInSeveralFrames() throws IOException {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, "/ws", TestClient.bearer(TestTokens.token("frag")))) {
			assertThat(raw.status()).isEqualTo(101);
			raw.readFrame(WAIT);
			raw.sendFrame(RawWebSocket.TEXT, false, "{\"type\":\"echo\",".getBytes(StandardCharsets.UTF_8));
			raw.sendFrame(RawWebSocket.PING, true, new byte[0]);
			raw.sendFrame(RawWebSocket.CONTINUATION, true, "\"payload\":\"é\"}".getBytes(StandardCharsets.UTF_8));
			assertThat(raw.readFrame(WAIT).opcode()).isEqualTo(RawWebSocket.PONG);
			String echoed = raw.readFrame(WAIT).text();
			assertThat(echoed).isEqualTo("{\"type\":\"echo\",\"payload\":\"é\"}");
			// the message's UTF-8 bytes, counted over both frames (the ping is not a message)
			assertThat(this.registry.byUser("frag")).singleElement()
				.extracting(ClientSession::bytesIn)
				.isEqualTo((long) echoed.getBytes(StandardCharsets.UTF_8).length);
		}
	}

	private URI wsUri() {
		return URI.create("http://127.0.0.1:" + this.port + "/ws");
	}

	private static String readHead(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		int c;
		while ((c = in.read()) != -1) {
			head.append((char) c);
			if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
				break;
			}
		}
		return head.toString();
	}

}
