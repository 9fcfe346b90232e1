package io.wsgateway.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream target of the tests written on plain sockets, for what a real WebSocket
 * server would never do. It counts every TCP connection it accepts and, by {@link Mode}:
 * <ul>
 * <li>{@code SILENT}: accepts and never answers, holding the connection (no thread per
 * connection)</li>
 * <li>{@code REDIRECT}: answers a handshake on {@code /<status>} or {@code /<status>-http}
 * with that 3xx status and a {@code Location} on {@link #location}, {@code ws://} or
 * {@code http://}</li>
 * <li>{@code ROGUE}: completes the handshake, then sends the bytes named by the last
 * segment of the path, in hex (a frame that breaks RFC 6455)</li>
 * </ul>
 */
final class RawTarget {

	enum Mode {

		SILENT, REDIRECT, ROGUE

	}

	private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	private final ServerSocket server;

	private final Mode mode;

	private final AtomicInteger accepted = new AtomicInteger();

	private final List<Socket> held = new ArrayList<>();

	private volatile RawTarget location;

	private RawTarget(Mode mode) {
		this.mode = mode;
		try {
			this.server = new ServerSocket(0, 2000, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread acceptor = new Thread(this::accept, "raw-target-" + mode.name().toLowerCase(Locale.ROOT));
		acceptor.setDaemon(true);
		acceptor.start();
	}

	static RawTarget start(Mode mode) {
		return new RawTarget(mode);
	}

	/** Makes a {@code REDIRECT} target send its clients to {@code target}. */
	RawTarget redirectingTo(RawTarget target) {
		this.location = target;
		return this;
	}

	int port() {
		return this.server.getLocalPort();
	}

	/** Returns the TCP connections accepted so far. */
	int accepted() {
		return this.accepted.get();
	}

	/** Closes every connection held so far: the gateway sees its pending handshakes fail. */
	void dropHeld() {
		List<Socket> sockets;
		synchronized (this.held) {
			sockets = new ArrayList<>(this.held);
			this.held.clear();
		}
		for (Socket socket : sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// already gone
			}
		}
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.accepted.incrementAndGet();
				synchronized (this.held) {
					this.held.add(socket);
				}
				if (this.mode != Mode.SILENT) {
					socket.setSoTimeout(5000);
					answer(socket);
				}
			}
			catch (IOException ex) {
				// a peer that went away; keep accepting
			}
		}
	}

	private void answer(Socket socket) throws IOException {
		List<String> head = readHead(socket.getInputStream());
		if (head.isEmpty()) {
			return;
		}
		String path = head.get(0).split(" ")[1];
		String last = path.substring(path.lastIndexOf('/') + 1);
		StringBuilder response = new StringBuilder();
		if (this.mode == Mode.REDIRECT) {
			String status = last.replace("-http", "");
			String scheme = last.endsWith("-http") ? "http" : "ws";
			response.append("HTTP/1.1 ").append(status).append(" Moved\r\n")
				.append("Location: ").append(scheme).append("://127.0.0.1:").append(this.location.port())
				.append("/elsewhere\r\nContent-Length: 0\r\n\r\n");
			socket.getOutputStream().write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
			return;
		}
		String key = head.stream()
			.filter((line) -> line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
			.map((line) -> line.substring(line.indexOf(':') + 1).trim())
			.findFirst()
			.orElse("");
		response.append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
			.append("Sec-WebSocket-Accept: ").append(accept(key)).append("\r\n\r\n");
		socket.getOutputStream().write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().write(HexFormat.of().parseHex(last));
		socket.getOutputStream().flush();
	}

	private static List<String> readHead(InputStream in) throws IOException {
		List<String> lines = new ArrayList<>();
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		for (int next = in.read(); next != -1; next = in.read()) {
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
				if (text.isEmpty()) {
					return lines;
				}
				lines.add(text);
				line.reset();
				previous = -1;
				continue;
			}
			line.write(next);
			previous = next;
		}
		return lines;
	}

	private static String accept(String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
