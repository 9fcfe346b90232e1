package io.wsgateway.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written on a plain {@link Socket}, for what the JDK client cannot
 * do: see the exact bytes of a refused handshake (body included), send frames of an
 * exact size or fragmentation, set any header, and stay completely silent (never answer
 * a ping, never read) to play a dead or stalled client.
 * <pre>{@code
 * try (RawWebSocket raw = RawWebSocket.connect(port, "/ws", TestClient.bearer(token))) {
 *     assertThat(raw.status()).isEqualTo(101);
 *     raw.sendText("{\"type\":\"ping\"}");
 *     RawWebSocket.Frame frame = raw.readFrame(Duration.ofSeconds(5));
 * }
 * }</pre>
 * Not thread-safe. Frames sent are masked, as a client's must be.
 */
public final class RawWebSocket implements Closeable {

	/** Opcodes of RFC 6455. */
	public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private final int status;

	private final Map<String, List<String>> headers;

	private final String body;

	private RawWebSocket(Socket socket, InputStream in, int status, Map<String, List<String>> headers, String body)
			throws IOException {
		this.socket = socket;
		this.in = in;
		this.out = socket.getOutputStream();
		this.status = status;
		this.headers = headers;
		this.body = body;
	}

	/**
	 * Performs the opening handshake on {@code 127.0.0.1:port}. Returns whether or not the
	 * server accepted: check {@link #status()}.
	 * @param pathAndQuery such as {@code /ws} or {@code /ws?access_token=...}
	 * @param extraHeaders added to the request as given (may override nothing but add anything)
	 */
	public static RawWebSocket connect(int port, String pathAndQuery, Map<String, String> extraHeaders)
			throws IOException {
		return connect(new Socket(), port, pathAndQuery, extraHeaders);
	}

	/**
	 * Performs the opening handshake on {@code 127.0.0.1:port} over {@code socket}, not yet
	 * connected: set its buffers or bind it to a local address first.
	 */
	public static RawWebSocket connect(Socket socket, int port, String pathAndQuery, Map<String, String> extraHeaders)
			throws IOException {
		try {
			socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
			socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
			socket.setTcpNoDelay(true);
			byte[] nonce = new byte[16];
			ThreadLocalRandom.current().nextBytes(nonce);
			StringBuilder request = new StringBuilder().append("GET ")
				.append(pathAndQuery)
				.append(" HTTP/1.1\r\n")
				.append("Host: 127.0.0.1:")
				.append(port)
				.append("\r\n")
				.append("Upgrade: websocket\r\n")
				.append("Connection: Upgrade\r\n")
				.append("Sec-WebSocket-Key: ")
				.append(Base64.getEncoder().encodeToString(nonce))
				.append("\r\n")
				.append("Sec-WebSocket-Version: 13\r\n");
			extraHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
			request.append("\r\n");
			socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			String statusLine = readLine(in);
			String[] parts = statusLine.split(" ", 3);
			int status = Integer.parseInt(parts[1]);
			Map<String, List<String>> headers = new LinkedHashMap<>();
			for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
				int colon = line.indexOf(':');
				headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), (key) -> new ArrayList<>())
					.add(line.substring(colon + 1).trim());
			}
			String body = (status == 101) ? null : readBody(in, headers);
			return new RawWebSocket(socket, in, status, headers, body);
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/** Returns the HTTP status of the handshake answer (101 when upgraded). */
	public int status() {
		return this.status;
	}

	/** Returns the response headers, names in lower case. */
	public Map<String, List<String>> headers() {
		return this.headers;
	}

	/** Returns the first value of a response header (any case), or {@code null}. */
	public String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
		return (values == null || values.isEmpty()) ? null : values.get(0);
	}

	/** Returns the body of a refused handshake, or {@code null} when upgraded. */
	public String body() {
		return this.body;
	}

	/** Returns the socket, for example to shrink its receive buffer. */
	public Socket socket() {
		return this.socket;
	}

	/** Sends one masked frame. */
	public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write((fin ? 0x80 : 0) | opcode);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length <= 0xFFFF) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xFF);
		}
		else {
			frame.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) (((long) payload.length >>> shift) & 0xFF));
			}
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.write(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i & 3]);
		}
		this.out.write(frame.toByteArray());
		this.out.flush();
	}

	/** Sends a text message in one frame. */
	public void sendText(String text) throws IOException {
		sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
	}

	/** Sends a close frame with a code. */
	public void sendClose(int code) throws IOException {
		sendFrame(CLOSE, true, new byte[] { (byte) (code >>> 8), (byte) code });
	}

	/** Reads the next frame, or returns {@code null} on end of stream or timeout. Pings are not answered. */
	public Frame readFrame(Duration timeout) throws IOException {
		this.socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
		try {
			int first = this.in.read();
			if (first < 0) {
				return null;
			}
			int second = readByte(this.in);
			long length = second & 0x7F;
			if (length == 126) {
				length = (readByte(this.in) << 8) | readByte(this.in);
			}
			else if (length == 127) {
				length = 0;
				for (int i = 0; i < 8; i++) {
					length = (length << 8) | readByte(this.in);
				}
			}
			byte[] payload = this.in.readNBytes((int) length);
			if (payload.length < length) {
				return null;
			}
			return new Frame(first & 0x0F, (first & 0x80) != 0, payload);
		}
		catch (SocketTimeoutException ex) {
			return null;
		}
	}

	/**
	 * Reads (and ignores) frames until a close frame or the end of the stream.
	 * @return the close code, or {@link TestClient#ABNORMAL_CLOSE} if the connection ended
	 * without one
	 * @throws AssertionError if neither happens within {@code timeout}
	 */
	public int awaitClose(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			Frame frame;
			try {
				frame = readFrame(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
			}
			catch (IOException ex) {
				return TestClient.ABNORMAL_CLOSE;
			}
			if (frame == null) {
				if (System.nanoTime() < deadline) {
					return TestClient.ABNORMAL_CLOSE;
				}
				break;
			}
			if (frame.opcode() == CLOSE) {
				return frame.closeCode();
			}
		}
		throw new AssertionError("connection still open after " + timeout);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	private static int readByte(InputStream in) throws IOException {
		int b = in.read();
		if (b < 0) {
			throw new EOFException();
		}
		return b;
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != '\n') {
			if (b < 0) {
				throw new EOFException("connection closed during the handshake");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

	private static String readBody(InputStream in, Map<String, List<String>> headers) throws IOException {
		List<String> length = headers.get("content-length");
		if (length != null) {
			return new String(in.readNBytes(Integer.parseInt(length.get(0))), StandardCharsets.UTF_8);
		}
		List<String> encoding = headers.get("transfer-encoding");
		if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			while (true) {
				int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
				if (size == 0) {
					readLine(in);
					return body.toString(StandardCharsets.UTF_8);
				}
				body.write(in.readNBytes(size));
				readLine(in);
			}
		}
		return new String(in.readAllBytes(), StandardCharsets.UTF_8);
	}

	/** One frame as received. */
	public record Frame(int opcode, boolean fin, byte[] payload) {

		/** Returns the payload as UTF-8 text. */
		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		/** Returns the code of a close frame, or 1005 if it has none. */
		public int closeCode() {
			return (this.payload.length >= 2) ? ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF) : 1005;
		}

	}

}
