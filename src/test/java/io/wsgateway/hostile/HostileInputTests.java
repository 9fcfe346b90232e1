package io.wsgateway.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.wsgateway.testsupport.RawWebSocket;
import io.wsgateway.testsupport.TestClient;
import io.wsgateway.testsupport.TestTokens;
import io.wsgateway.testsupport.Wire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-input suite (issue 24, PROTOCOL.md section 12): what an attacker sends, as
 * real sockets and raw frames against a running node, and what the node must answer. Each
 * case also checks that the node keeps serving: the attacker's own connection where it
 * should stay open, or another client. The fuzz run of the same path is
 * {@code io.wsgateway.load.FrameFuzzer} (docs/security.md).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "gateway.security.jwt.secret=" + TestTokens.SECRET, "gateway.api.keys=" + HostileInputTests.API_KEY,
				"gateway.api.max-body-size=1KB", "gateway.admission.handshakes-per-minute-per-ip=100000",
				"gateway.admission.max-connections-per-ip=" + HostileInputTests.MAX_PER_IP,
				"gateway.limits.messages-per-second=150" })
@ActiveProfiles("test")
@DirtiesContext
class HostileInputTests {

	static final String API_KEY = "hostile-api-key-0123456789";

	static final int MAX_PER_IP = 30;

	private static final Duration WAIT = TestClient.TIMEOUT;

	private static final JsonMapper REPLIES = JsonMapper
		.builder(JsonFactory.builder().disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES).build())
		.build();

	@LocalServerPort
	private int port;

	// ---- messages and parsing ------------------------------------------------------------

	@Test
	void collidingPropertyNamesLeaveOtherUsersMessagesWorking() throws IOException {
		try (RawWebSocket attacker = raw("collider"); RawWebSocket other = raw("bystander")) {
			for (int i = 0; i < 3; i++) {
				JsonNode reply = exchange(attacker, "{\"type\":\"echo\",\"id\":\"c" + i + "\",\"payload\":" + Wire.collidingNames() + "}");
				assertThat(reply.get("type").asString()).isIn("echo", "error");
			}
			for (int i = 0; i < 60; i++) {
				JsonNode reply = exchange(other, "{\"type\":\"echo\",\"id\":\"o" + i + "\",\"payload\":" + i + ",\"field" + i + "\":1}");
				assertThat(reply.get("type").asString()).as(reply.toString()).isEqualTo("echo");
			}
		}
	}

	@Test
	void echoReturnsNumbersAsSent() throws IOException {
		String payload = "{\"huge\":1e999999,\"precise\":0.10000000000000000000000001,\"zero\":-0,\"list\":[1.50,2E+3]}";
		try (RawWebSocket socket = raw("numbers")) {
			socket.sendText("{\"type\":\"echo\",\"id\":\"n1\",\"payload\":" + payload + "}");
			assertThat(socket.readFrame(WAIT).text()).isEqualTo("{\"type\":\"echo\",\"id\":\"n1\",\"payload\":" + payload + "}");
		}
	}

	@Test
	void roomMessagesCarryNumbersAsSent() throws IOException {
		String payload = "[1e999999,0.10000000000000000000000001]";
		try (RawWebSocket sender = raw("room-sender"); RawWebSocket member = raw("room-member")) {
			String join = "{\"type\":\"join_room\",\"id\":\"j\",\"room\":\"hostile-numbers\"}";
			assertThat(exchange(member, join).get("type").asString()).isEqualTo("room_joined");
			assertThat(exchange(sender, join).get("type").asString()).isEqualTo("room_joined");
			sender.sendText("{\"type\":\"broadcast\",\"room\":\"hostile-numbers\",\"payload\":" + payload + "}");
			String frame = nextOfType(member, "room_message");
			assertThat(frame).contains("\"payload\":" + payload);
		}
	}

	@Test
	void nestingHundredThousandDeepIsBadJsonAndTheConnectionStays() throws IOException {
		try (RawWebSocket socket = raw("nester")) {
			String deep = "[".repeat(100_000) + "]".repeat(100_000);
			assertError(exchange(socket, "{\"type\":\"echo\",\"payload\":" + deep + "}"), "bad_json");
			assertError(exchange(socket, deep), "bad_json");
			assertError(exchange(socket, "{\"type\":\"echo\",\"x\":" + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000) + "}"),
					"bad_json");
			assertThat(exchange(socket, "{\"type\":\"ping\",\"id\":\"p\"}").get("type").asString()).isEqualTo("pong");
		}
	}

	@Test
	void eightyFiveThousandDuplicateKeysAreAnsweredAndTheConnectionStays() throws IOException {
		try (RawWebSocket socket = raw("duplicator")) {
			String duplicates = "{" + "\"a\":1,".repeat(85_000) + "\"a\":2}";
			assertThat(exchange(socket, "{\"type\":\"echo\",\"id\":\"d\",\"payload\":" + duplicates + "}").get("type").asString())
				.isEqualTo("echo");
			JsonNode reply = exchange(socket, "{\"type\":\"ping\"," + "\"id\":\"x\",".repeat(50_000) + "\"id\":\"last\"}");
			assertThat(reply.get("id").asString()).isEqualTo("last");
		}
	}

	@Test
	void invalidUtf8InEveryPositionClosesWith1007() throws IOException {
		byte[] message = "{\"type\":\"ping\",\"id\":\"é\"}".getBytes(StandardCharsets.UTF_8);
		for (int position = 0; position <= message.length; position++) {
			for (byte bad : new byte[] { (byte) 0xFF, (byte) 0xC0, (byte) 0xED }) {
				ByteArrayOutputStream text = new ByteArrayOutputStream();
				text.write(message, 0, position);
				text.write(bad);
				text.write(message, position, message.length - position);
				try (RawWebSocket socket = raw("utf8-" + position)) {
					socket.sendFrame(RawWebSocket.TEXT, true, text.toByteArray());
					assertThat(socket.awaitClose(WAIT)).as("0x%02X at %d", bad, position).isEqualTo(1007);
				}
			}
		}
	}

	// ---- frames and close codes ----------------------------------------------------------

	@ParameterizedTest
	@ValueSource(strings = { "rsv1", "rsv3", "opcode3", "opcodeB", "continuationFirst", "longPing", "fragmentedPing",
			"unmasked", "textInsideFragmentedText" })
	void malformedFramesCloseWith1002(String kind) throws IOException {
		try (RawWebSocket socket = raw("frames-" + kind)) {
			byte[] hello = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
			switch (kind) {
				case "rsv1" -> writeFrame(socket, 0x80 | 0x40 | RawWebSocket.TEXT, hello, true);
				case "rsv3" -> writeFrame(socket, 0x80 | 0x10 | RawWebSocket.TEXT, hello, true);
				case "opcode3" -> writeFrame(socket, 0x80 | 0x3, hello, true);
				case "opcodeB" -> writeFrame(socket, 0x80 | 0xB, new byte[0], true);
				case "continuationFirst" -> writeFrame(socket, 0x80 | RawWebSocket.CONTINUATION, hello, true);
				case "longPing" -> writeFrame(socket, 0x80 | RawWebSocket.PING, new byte[126], true);
				case "fragmentedPing" -> writeFrame(socket, RawWebSocket.PING, new byte[1], true);
				case "unmasked" -> writeFrame(socket, 0x80 | RawWebSocket.TEXT, hello, false);
				default -> {
					socket.sendFrame(RawWebSocket.TEXT, false, hello);
					socket.sendFrame(RawWebSocket.TEXT, true, hello);
				}
			}
			assertThat(socket.awaitClose(WAIT)).isEqualTo(1002);
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000 })
	void invalidCloseCodesAreAProtocolError(int code) throws IOException {
		try (RawWebSocket socket = raw("close-" + code)) {
			socket.sendClose(code);
			assertThat(socket.awaitClose(WAIT)).isEqualTo(1002);
		}
	}

	@Test
	void closeReasonOfInvalidUtf8IsRefused() throws IOException {
		try (RawWebSocket socket = raw("close-reason")) {
			socket.sendFrame(RawWebSocket.CLOSE, true, new byte[] { 0x03, (byte) 0xE8, (byte) 0xFF, (byte) 0xFE });
			assertThat(socket.awaitClose(WAIT)).isIn(1002, 1007);
		}
	}

	@Test
	void messageFloodIsClosedWith4008() throws IOException {
		try (RawWebSocket socket = raw("flooder")) {
			for (int i = 0; i < 1000; i++) {
				socket.sendText("{\"type\":\"ping\"}");
			}
			assertThat(awaitCloseSkippingFrames(socket)).isEqualTo(4008);
		}
	}

	// ---- rooms ---------------------------------------------------------------------------

	@Test
	void joiningMoreThanTheRoomCapIsLimitExceededAndChangesNothing() {
		try (TestClient client = client("room-collector")) {
			for (int i = 0; i < 100; i++) {
				assertThat(client.request("{\"type\":\"join_room\",\"id\":\"j" + i + "\",\"room\":\"cap-" + i + "\"}")
					.get("type").asString()).isEqualTo("room_joined");
			}
			assertError(client.request("{\"type\":\"join_room\",\"id\":\"over\",\"room\":\"cap-100\"}"), "limit_exceeded");
			assertThat(client.request("{\"type\":\"join_room\",\"id\":\"again\",\"room\":\"cap-7\"}").get("type").asString())
				.isEqualTo("room_joined");
			JsonNode status = client.request("{\"type\":\"status\",\"id\":\"s\"}");
			assertThat(status.toString()).doesNotContain("cap-100");
			client.request("{\"type\":\"leave_room\",\"id\":\"l\",\"room\":\"cap-0\"}");
			assertThat(client.request("{\"type\":\"join_room\",\"id\":\"now\",\"room\":\"cap-100\"}").get("type").asString())
				.isEqualTo("room_joined");
		}
	}

	// ---- tokens and handshakes -----------------------------------------------------------

	@ParameterizedTest
	@ValueSource(strings = { "algNone", "wrongKey", "rsaSigned", "hsKeyedWithNothing", "expired", "notYetValid",
			"subNewline", "subNul", "sub257", "subBlank", "noSub", "garbage" })
	void forgedTokensGet401AtTheHandshakeAndAtTheApi(String kind) throws IOException {
		String token = forged(kind);
		try (RawWebSocket socket = RawWebSocket.connect(this.port, "/ws", Map.of("Authorization", "Bearer " + token))) {
			assertThat(socket.status()).isEqualTo(401);
		}
		HttpReply api = http("GET /api/v1/connections/c-1 HTTP/1.1", Map.of("Authorization", "Bearer " + token), null);
		assertThat(api.status()).isEqualTo(401);
		assertThat(api.header("content-type")).startsWith("application/problem+json");
	}

	private static String forged(String kind) {
		return switch (kind) {
			case "algNone" -> TestTokens.unsigned(TestTokens.claimsJson("mallory"));
			case "wrongKey" -> TestTokens.forUser("mallory")
				.signedWith(TestTokens.hmacKey("another-secret-of-at-least-32-bytes!!"))
				.build();
			case "rsaSigned" -> TestTokens.forUser("mallory").signedWith(TestTokens.rsaKeyPair().getPrivate()).build();
			case "hsKeyedWithNothing" -> TestTokens.hmacForged("{\"alg\":\"HS256\"}", TestTokens.claimsJson("mallory"),
					"HmacSHA256", new byte[32]);
			case "expired" -> TestTokens.forUser("mallory").expiresIn(Duration.ofMinutes(-5)).build();
			case "notYetValid" -> TestTokens.forUser("mallory").notBefore(java.time.Instant.now().plusSeconds(600)).build();
			case "subNewline" -> TestTokens.forUser("mallory\nadmin").build();
			case "subNul" -> TestTokens.forUser("mallory\u0000").build();
			case "sub257" -> TestTokens.forUser("m".repeat(257)).build();
			case "subBlank" -> TestTokens.forUser("  ").build();
			case "noSub" -> TestTokens.forUser(null).build();
			default -> "eyJhbGciOiJIUzI1NiJ9.e30." + "A".repeat(43);
		};
	}

	@Test
	void forgedForwardedForDoesNotDodgeThePerAddressLimit() throws IOException {
		List<RawWebSocket> open = new ArrayList<>();
		try {
			int refused = 0;
			for (int i = 0; i < MAX_PER_IP + 5; i++) {
				RawWebSocket socket = RawWebSocket.connect(this.port, "/ws?access_token=" + TestTokens.token("xff-" + i),
						Map.of("X-Forwarded-For", "10.9." + (i / 250) + "." + (i % 250), "X-Real-IP", "10.8.0." + i));
				open.add(socket);
				refused += (socket.status() == 429) ? 1 : 0;
			}
			assertThat(refused).isGreaterThanOrEqualTo(5);
		}
		finally {
			for (RawWebSocket socket : open) {
				socket.close();
			}
		}
	}

	// ---- server API ----------------------------------------------------------------------

	@Test
	void expectContinueGetsItsRefusalBeforeAnyContinue() throws IOException {
		String body = "{\"payload\":1}";
		assertThat(expectContinue(Map.of(), body.length()).status()).isEqualTo(401);
		String user = TestTokens.forUser("not-a-service").build();
		assertThat(expectContinue(Map.of("Authorization", "Bearer " + user), body.length()).status()).isEqualTo(403);
		assertThat(expectContinue(Map.of("X-API-Key", API_KEY), 5000).status()).isEqualTo(413);
	}

	@Test
	void aNumberIsNotATitle() throws IOException {
		HttpReply reply = http("POST /api/v1/users/u1/messages HTTP/1.1",
				Map.of("X-API-Key", API_KEY, "Content-Type", "application/json"), "{\"title\":5,\"message\":\"m\"}");
		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.header("content-type")).startsWith("application/problem+json");
		reply = http("POST /api/v1/users/u1/messages HTTP/1.1",
				Map.of("X-API-Key", API_KEY, "Content-Type", "application/json"), "{\"title\":\"t\",\"message\":true}");
		assertThat(reply.status()).isEqualTo(400);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/v1/connections/;jsessionid=x", "/api/v1/connections/a;b=c", "/api/v1/../v1/connections/x",
			"/api/v1/connections/%2e%2e/x", "/api/v1/connections/%2F", "/api/v1/rooms/a%00b/presence",
			"/api/v1/connections/%ZZ", "/api/v1//connections/x", "/api/v1/connections/x%5Cy", "/api/%2e%2e/actuator/health",
			"/api/v1/connections/\u00e9" })
	void oddApiPathsGetProblemDetails(String path) throws IOException {
		HttpReply reply = http("GET " + path + " HTTP/1.1", Map.of("X-API-Key", API_KEY), null);
		assertThat(reply.status()).as(path).isBetween(400, 499);
		assertThat(reply.header("content-type")).as(path + " " + reply.body()).startsWith("application/problem+json");
		assertThat(reply.body()).contains("\"status\":" + reply.status());
	}

	// ---- helpers -------------------------------------------------------------------------

	private TestClient client(String user) {
		return TestClient.connect(this.port, TestTokens.token(user));
	}

	private RawWebSocket raw(String user) throws IOException {
		RawWebSocket socket = RawWebSocket.connect(this.port, "/ws?access_token=" + TestTokens.token(user), Map.of());
		assertThat(socket.status()).isEqualTo(101);
		assertThat(socket.readFrame(WAIT).text()).contains("\"connected\"");
		return socket;
	}

	/** Sends a message and returns the next frame, parsed with no table of names that an echoed attack could corrupt here. */
	private static JsonNode exchange(RawWebSocket socket, String text) throws IOException {
		socket.sendText(text);
		return REPLIES.readTree(socket.readFrame(WAIT).text());
	}

	private static void assertError(JsonNode reply, String code) {
		assertThat(reply.get("type").asString()).as(reply.toString()).isEqualTo("error");
		assertThat(reply.get("code").asString()).isEqualTo(code);
	}

	private static String nextOfType(RawWebSocket socket, String type) throws IOException {
		for (int i = 0; i < 20; i++) {
			String text = socket.readFrame(WAIT).text();
			if (text.contains("\"type\":\"" + type + "\"")) {
				return text;
			}
		}
		throw new AssertionError("no " + type);
	}

	private static int awaitCloseSkippingFrames(RawWebSocket socket) throws IOException {
		for (int i = 0; i < 1000; i++) {
			RawWebSocket.Frame frame = socket.readFrame(WAIT);
			if (frame.opcode() == RawWebSocket.CLOSE) {
				return frame.closeCode();
			}
		}
		throw new AssertionError("not closed");
	}

	/** Writes one frame byte by byte: {@code first} is FIN, RSV and opcode as sent, however invalid. */
	static void writeFrame(RawWebSocket socket, int first, byte[] payload, boolean masked) throws IOException {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(first);
		int mask = masked ? 0x80 : 0;
		if (payload.length < 126) {
			frame.write(mask | payload.length);
		}
		else {
			frame.write(mask | 126);
			frame.write(payload.length >> 8);
			frame.write(payload.length & 0xFF);
		}
		byte[] key = new byte[4];
		ThreadLocalRandom.current().nextBytes(key);
		if (masked) {
			frame.write(key);
		}
		for (int i = 0; i < payload.length; i++) {
			frame.write(masked ? payload[i] ^ key[i % 4] : payload[i]);
		}
		OutputStream out = socket.socket().getOutputStream();
		out.write(frame.toByteArray());
		out.flush();
	}

	private HttpReply expectContinue(Map<String, String> headers, int length) throws IOException {
		Map<String, String> all = new LinkedHashMap<>(headers);
		all.put("Content-Type", "application/json");
		all.put("Content-Length", String.valueOf(length));
		all.put("Expect", "100-continue");
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout((int) WAIT.toMillis());
			socket.getOutputStream().write(request("POST /api/v1/broadcast HTTP/1.1", all));
			return HttpReply.read(socket.getInputStream());
		}
	}

	private HttpReply http(String requestLine, Map<String, String> headers, String body) throws IOException {
		Map<String, String> all = new LinkedHashMap<>(headers);
		byte[] bytes = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
		if (body != null) {
			all.put("Content-Length", String.valueOf(bytes.length));
		}
		all.put("Connection", "close");
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout((int) WAIT.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(request(requestLine, all));
			out.write(bytes);
			out.flush();
			return HttpReply.read(socket.getInputStream());
		}
	}

	private byte[] request(String requestLine, Map<String, String> headers) {
		StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1:").append(this.port).append("\r\n");
		headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
		return request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
	}

	/** The first response on a connection: a {@code 100 Continue} is a response of its own. */
	record HttpReply(int status, Map<String, String> headers, String body) {

		String header(String name) {
			return this.headers.getOrDefault(name, "");
		}

		static HttpReply read(InputStream in) throws IOException {
			String statusLine = line(in);
			int status = Integer.parseInt(statusLine.split(" ")[1]);
			Map<String, String> headers = new LinkedHashMap<>();
			for (String line = line(in); !line.isEmpty(); line = line(in)) {
				int colon = line.indexOf(':');
				headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
			}
			if (status == 100) {
				return new HttpReply(status, headers, "");
			}
			int length = Integer.parseInt(headers.getOrDefault("content-length", "-1"));
			byte[] body = (length >= 0) ? in.readNBytes(length) : in.readAllBytes();
			if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
				body = dechunk(body);
			}
			return new HttpReply(status, headers, new String(body, StandardCharsets.UTF_8));
		}

		private static byte[] dechunk(byte[] chunked) {
			String text = new String(chunked, StandardCharsets.ISO_8859_1);
			StringBuilder out = new StringBuilder();
			int at = 0;
			while (at < text.length()) {
				int end = text.indexOf("\r\n", at);
				int size = Integer.parseInt(text.substring(at, end).trim(), 16);
				if (size == 0) {
					break;
				}
				out.append(text, end + 2, end + 2 + size);
				at = end + 2 + size + 2;
			}
			return out.toString().getBytes(StandardCharsets.ISO_8859_1);
		}

		private static String line(InputStream in) throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			for (int b = in.read(); b != '\n'; b = in.read()) {
				if (b < 0) {
					throw new IOException("connection closed");
				}
				if (b != '\r') {
					line.write(b);
				}
			}
			return line.toString(StandardCharsets.ISO_8859_1);
		}

	}

}
