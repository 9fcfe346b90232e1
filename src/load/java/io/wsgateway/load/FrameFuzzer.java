package io.wsgateway.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;

/**
 * Fuzzes the frame-to-handler path of a real node (issue 24): starts the gateway jar in a
 * JVM of its own with the image's heap ({@code -Xmx768m -XX:+ExitOnOutOfMemoryError}), then
 * {@code fuzz.connections} threads each hold a signed-in connection and send it random and
 * mutated frames for {@code fuzz.seconds}: valid messages of every type with bytes flipped,
 * inserted or cut, random JSON, invalid UTF-8, wrong opcodes and RSV bits, fragments out
 * of order, oversized control frames, random close codes. A connection the node closes is
 * opened again. It reports the close codes seen, the live heap after a full GC every
 * {@code fuzz.heap-every} seconds, and every log line of the node at WARN or ERROR level or
 * with an exception; a 1011 close, an uncaught exception or an exit of the node fails the
 * run (exit status 1). Nothing here is a test: it runs only in the {@code load} profile,
 * with {@code -Dfuzz.skip=false} (docs/security.md).
 */
public final class FrameFuzzer {

	private static final String SECRET = "fuzzer-secret-0123456789-0123456789-0123";

	private static final String[] MESSAGES = { "{\"type\":\"ping\",\"id\":\"p1\"}",
			"{\"type\":\"echo\",\"id\":\"e1\",\"payload\":{\"n\":1e999999,\"s\":\"é\",\"a\":[1,2,{\"b\":null}]}}",
			"{\"type\":\"join_room\",\"id\":\"j1\",\"room\":\"fuzz\",\"presence\":true}",
			"{\"type\":\"broadcast\",\"id\":\"b1\",\"room\":\"fuzz\",\"payload\":[0.10000000000000000000000001]}",
			"{\"type\":\"leave_room\",\"id\":\"l1\",\"room\":\"fuzz\"}", "{\"type\":\"status\",\"id\":\"s1\"}",
			"{\"type\":\"subscribe_notifications\",\"id\":\"n1\"}", "{\"type\":\"notification_ack\",\"id\":\"a1\",\"notificationId\":\"x\"}",
			"{\"type\":\"subscribe_clan_chat\",\"id\":\"c1\",\"clanId\":\"clan-1\"}",
			"{\"type\":\"chat_message\",\"id\":\"m1\",\"clanId\":\"clan-1\",\"text\":\"hi\"}",
			"{\"type\":\"typing\",\"clanId\":\"clan-1\"}", "{\"type\":\"history\",\"id\":\"h1\",\"room\":\"fuzz\",\"limit\":5}",
			"{\"type\":\"nope\"}", "[]", "null", "{\"type\":1}", "{\"id\":{},\"type\":\"echo\"}" };

	private static final String[] JSON_PIECES = { "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "1e99999",
			"-0", "0.", "true", "nul", "\"type\"", "\"echo\"", "\"payload\"", "\"id\"", "\u0000", "\u2028", " ", "\n" };

	private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();

	private final AtomicLong frames = new AtomicLong();

	private final String token;

	private final int port;

	private FrameFuzzer(int port) {
		this.port = port;
		this.token = Jwts.builder()
			.subject("fuzzer")
			.expiration(Date.from(Instant.now().plus(2, ChronoUnit.HOURS)))
			.signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)))
			.compact();
	}

	public static void main(String[] args) throws Exception {
		Path jar = Path.of(System.getProperty("load.jar", "target/websocket-gateway-0.1.0-SNAPSHOT.jar"));
		Path dir = Path.of(System.getProperty("load.dir", "target/load"));
		int seconds = Integer.getInteger("fuzz.seconds", 180);
		int connections = Integer.getInteger("fuzz.connections", 8);
		int heapEvery = Integer.getInteger("fuzz.heap-every", 30);
		long seed = Long.getLong("fuzz.seed", System.nanoTime());
		int port = ServerProcess.freePort();
		List<String> jvm = List.of("-Xmx768m", "-XX:+ExitOnOutOfMemoryError");
		List<String> app = List.of("-jar", jar.toString(), "--server.port=" + port, "--server.address=127.0.0.1",
				"--gateway.security.jwt.secret=" + SECRET, "--gateway.admission.handshakes-per-minute-per-ip=100000000",
				"--gateway.admission.max-connections-per-ip=10000", "--gateway.limits.messages-per-second=2000");
		ServerProcess node = ServerProcess.start("fuzz-gateway", dir, List.of(), jvm, app, port);
		FrameFuzzer fuzzer = new FrameFuzzer(port);
		List<Long> heap = new ArrayList<>();
		boolean failed;
		try {
			heap.add(node.heapAfterGcKb());
			List<Thread> threads = new ArrayList<>();
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
			for (int i = 0; i < connections; i++) {
				Random random = new Random(seed + i);
				Thread thread = new Thread(() -> fuzzer.run(random, end), "fuzz-" + i);
				thread.start();
				threads.add(thread);
			}
			while (System.nanoTime() < end) {
				Thread.sleep(TimeUnit.SECONDS.toMillis(heapEvery));
				heap.add(node.heapAfterGcKb());
			}
			for (Thread thread : threads) {
				thread.join();
			}
			heap.add(node.heapAfterGcKb());
		}
		finally {
			failed = !fuzzer.report(node, seed, seconds, connections, heap, dir.resolve("fuzz-gateway.log"));
			node.close();
		}
		System.exit(failed ? 1 : 0);
	}

	private void run(Random random, long end) {
		while (System.nanoTime() < end) {
			try (Socket socket = handshake()) {
				Thread reader = new Thread(() -> read(socket), "fuzz-reader");
				reader.setDaemon(true);
				reader.start();
				OutputStream out = socket.getOutputStream();
				while (System.nanoTime() < end && !socket.isClosed() && reader.isAlive()) {
					sendOne(random, out);
					this.frames.incrementAndGet();
					Thread.sleep(random.nextInt(3));
				}
			}
			catch (IOException ex) {
				// The node closed the connection on a bad frame: open another one.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private Socket handshake() throws IOException {
		Socket socket = new Socket("127.0.0.1", this.port);
		socket.setSoTimeout(30_000);
		String request = "GET /ws?access_token=" + this.token + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
				+ "\r\nSec-WebSocket-Version: 13\r\n\r\n";
		socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
		InputStream in = socket.getInputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("closed during the handshake");
			}
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		return socket;
	}

	private void sendOne(Random random, OutputStream out) throws IOException {
		byte[] message = MESSAGES[random.nextInt(MESSAGES.length)].getBytes(StandardCharsets.UTF_8);
		switch (random.nextInt(10)) {
			case 0, 1, 2 -> frame(out, 0x81, message, random);
			case 3 -> frame(out, 0x81, mutate(message, random), random);
			case 4 -> frame(out, 0x81, randomJson(random).getBytes(StandardCharsets.UTF_8), random);
			case 5 -> {
				int cut = random.nextInt(message.length);
				frame(out, 0x01, java.util.Arrays.copyOf(message, cut), random);
				if (random.nextBoolean()) {
					frame(out, 0x80, java.util.Arrays.copyOfRange(message, cut, message.length), random);
				}
			}
			case 6 -> frame(out, random.nextInt(256), mutate(message, random), random);
			case 7 -> frame(out, 0x89, new byte[random.nextInt(200)], random);
			case 8 -> {
				byte[] close = new byte[2 + random.nextInt(4)];
				random.nextBytes(close);
				frame(out, 0x88, close, random);
			}
			default -> frame(out, 0x82, mutate(message, random), random);
		}
	}

	private static byte[] mutate(byte[] message, Random random) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte b : message) {
			int dice = random.nextInt(40);
			if (dice == 0) {
				out.write(random.nextInt(256));
			}
			else if (dice == 1) {
				out.write(b);
				out.write(random.nextInt(256));
			}
			else if (dice != 2) {
				out.write(b);
			}
		}
		return out.toByteArray();
	}

	private static String randomJson(Random random) {
		StringBuilder json = new StringBuilder();
		int pieces = random.nextInt(60);
		for (int i = 0; i < pieces; i++) {
			json.append(JSON_PIECES[random.nextInt(JSON_PIECES.length)]);
		}
		return json.toString();
	}

	/** Writes a masked frame; {@code first} is FIN, RSV and opcode, valid or not. */
	private static void frame(OutputStream out, int first, byte[] payload, Random random) throws IOException {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 8);
		frame.write(first);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else {
			frame.write(0x80 | 126);
			frame.write(payload.length >> 8);
			frame.write(payload.length);
		}
		byte[] key = new byte[4];
		random.nextBytes(key);
		frame.write(key);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ key[i & 3]);
		}
		out.write(frame.toByteArray());
	}

	/** Reads the node's frames until it closes, counting close codes. */
	private void read(Socket socket) {
		try {
			InputStream in = socket.getInputStream();
			while (true) {
				int first = in.read();
				int second = in.read();
				if (first < 0 || second < 0) {
					return;
				}
				long length = second & 0x7F;
				if (length == 126) {
					length = (in.read() << 8) | in.read();
				}
				else if (length == 127) {
					length = 0;
					for (int i = 0; i < 8; i++) {
						length = (length << 8) | in.read();
					}
				}
				byte[] payload = in.readNBytes((int) length);
				if ((first & 0x0F) == 0x8) {
					int code = (payload.length >= 2) ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
					this.closes.computeIfAbsent(code, (key) -> new LongAdder()).increment();
					socket.close();
					return;
				}
			}
		}
		catch (IOException ex) {
			this.closes.computeIfAbsent(1006, (key) -> new LongAdder()).increment();
		}
	}

	/** Prints the run's figures; returns whether it passed. */
	private boolean report(ServerProcess node, long seed, int seconds, int connections, List<Long> heapKb, Path log)
			throws IOException {
		List<String> problems = Files.readAllLines(log, StandardCharsets.UTF_8)
			.stream()
			.filter((line) -> line.contains(" ERROR ") || line.contains(" WARN ") || line.contains("Exception"))
			.toList();
		long internal = this.closes.getOrDefault(1011, new LongAdder()).sum();
		System.out.printf("fuzz: %d s, %d connections, seed %d, %,d frames sent%n", seconds, connections, seed,
				this.frames.get());
		System.out.println("fuzz: close codes " + new java.util.TreeMap<>(this.closes));
		System.out.println("fuzz: live heap after full GC, KB, every sample: " + heapKb);
		System.out.println("fuzz: node log lines at WARN/ERROR or with an exception: " + problems.size());
		problems.stream().limit(20).forEach((line) -> System.out.println("  " + line));
		boolean passed = internal == 0 && problems.stream().noneMatch((line) -> line.contains("Exception"));
		System.out.println("fuzz: " + (passed ? "PASSED" : "FAILED") + " (1011 closes: " + internal + ")");
		return passed;
	}

}
