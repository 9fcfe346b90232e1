package io.wsgateway.upstream;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.wsgateway.testsupport.TestClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A real upstream WebSocket service for tests: a Jetty server on 127.0.0.1 that records
 * every handshake (path, query, headers) and every frame it receives (text frames as
 * decoded by Jetty), and echoes what it
 * gets frame by frame (text and binary fragments as they came, pings answered with pongs).
 * It can be stopped and started again on the same port.
 *
 * <p>Single-frame text commands change what it does:
 * <ul>
 * <li>{@code whoami}: answers a JSON object with the server name and the handshake it saw
 * ({@code path}, {@code query}, {@code headers} with lower-case names, {@code subprotocol})</li>
 * <li>{@code close:<code>:<reason>}: closes with that code; {@code drop}: disconnects without a close frame</li>
 * <li>{@code fragments:<n>}: sends one text message {@code f0f1...} in {@code n} frames</li>
 * <li>{@code ping:<payload>}: sends a ping</li>
 * <li>{@code flood:<count>:<size>}: sends {@code count} binary messages of {@code size} bytes,
 * each starting with its sequence number, one after the other as each send completes</li>
 * <li>{@code sink-paused}: stops reading, and from then on counts binary messages instead of
 * echoing them; {@link #resumeReading()} reads on</li>
 * </ul>
 * A handshake on a path containing {@code reject-403} is refused with 403. Health checks
 * of the gateway (header {@code X-Gateway-Health-Check}) are answered but not recorded.
 */
final class UpstreamServer {

	/** One handshake as the server saw it. */
	/** A client connection that ended: its path and its close code. */
	record Closed(String path, int code) {
	}

	record Handshake(String path, String query, Map<String, List<String>> headers, String subprotocol) {

	}

	/** One frame as the server received it. */
	record ReceivedFrame(byte opcode, boolean fin, byte[] payload) {

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

	}

	private final String name;

	private volatile int port;

	private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();

	private final List<ReceivedFrame> frames = new CopyOnWriteArrayList<>();

	private final List<Closed> closes = new CopyOnWriteArrayList<>();

	private final Set<Endpoint> open = ConcurrentHashMap.newKeySet();

	private final AtomicLong floodSentBytes = new AtomicLong();

	private final AtomicInteger floodSent = new AtomicInteger();

	private final AtomicLong sunkBytes = new AtomicLong();

	private final AtomicInteger healthChecks = new AtomicInteger();

	private volatile Server server;

	private UpstreamServer(String name) {
		this.name = name;
	}

	/** Starts a server on a free port. */
	static UpstreamServer start(String name) {
		UpstreamServer server = new UpstreamServer(name);
		server.startOn(0);
		return server;
	}

	private void startOn(int port) {
		QueuedThreadPool threads = new QueuedThreadPool(16, 2);
		threads.setName("upstream-" + this.name);
		threads.setDaemon(true);
		Server server = new Server(threads);
		ServerConnector connector = new ServerConnector(server, 1, 1);
		connector.setHost("127.0.0.1");
		connector.setPort(port);
		connector.setReuseAddress(true);
		server.addConnector(connector);
		server.setHandler(WebSocketUpgradeHandler.from(server, (container) -> {
			container.setMaxFrameSize(1024 * 1024);
			container.setMaxTextMessageSize(4 * 1024 * 1024);
			container.setMaxBinaryMessageSize(4 * 1024 * 1024);
			container.setAutoFragment(false);
			container.setIdleTimeout(Duration.ofMinutes(2));
			container.addMapping("/*", (request, response, callback) -> {
				if (request.getHeaders().get(UpstreamHealthChecker.HEADER) != null) {
					this.healthChecks.incrementAndGet();
					return new Endpoint(null);
				}
				if (request.getHttpURI().getPath().contains("reject-403")) {
					Response.writeError(request, response, callback, 403);
					return null;
				}
				String subprotocol = request.getSubProtocols().isEmpty() ? null : request.getSubProtocols().get(0);
				if (subprotocol != null) {
					response.setAcceptedSubProtocol(subprotocol);
				}
				Handshake handshake = handshake(request, subprotocol);
				this.handshakes.add(handshake);
				return new Endpoint(handshake);
			});
		}));
		try {
			server.start();
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not start upstream server " + this.name, ex);
		}
		this.port = connector.getLocalPort();
		this.server = server;
	}

	private static Handshake handshake(ServerUpgradeRequest request, String subprotocol) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (HttpField field : request.getHeaders()) {
			headers.computeIfAbsent(field.getLowerCaseName(), (key) -> new ArrayList<>()).add(field.getValue());
		}
		return new Handshake(request.getHttpURI().getPath(), request.getHttpURI().getQuery(), headers, subprotocol);
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.port;
	}

	/** Returns {@code ws://127.0.0.1:<port><path>}. */
	URI url(String path) {
		return URI.create("ws://127.0.0.1:" + this.port + path);
	}

	/** Stops the server; open connections are closed by Jetty (1001). */
	void stop() {
		Server server = this.server;
		this.server = null;
		stopServer(server);
	}

	/** Starts the server again on its port. */
	void restart() {
		if (this.server == null) {
			startOn(this.port);
		}
	}

	boolean running() {
		return this.server != null;
	}

	private static void stopServer(Server server) {
		if (server != null) {
			try {
				server.stop();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	/** Returns the handshakes of clients (not health checks) on paths starting with {@code prefix}. */
	List<Handshake> handshakes(String prefix) {
		return this.handshakes.stream().filter((handshake) -> handshake.path().startsWith(prefix)).toList();
	}

	/** Returns the data and control frames received from clients so far, in order. */
	List<ReceivedFrame> frames() {
		return List.copyOf(this.frames);
	}

	/** Forgets the frames received so far. */
	void clearFrames() {
		this.frames.clear();
	}

	/**
	 * Returns the close codes of the client connections on {@code path} that ended, in order.
	 * By path, because a connection another test left can end at any time.
	 */
	List<Integer> closeCodes(String path) {
		return this.closes.stream().filter((closed) -> closed.path().equals(path)).map(Closed::code).toList();
	}

	/** Returns the client connections open now. */
	int openConnections() {
		return this.open.size();
	}

	int healthChecks() {
		return this.healthChecks.get();
	}

	long floodSentBytes() {
		return this.floodSentBytes.get();
	}

	int floodSent() {
		return this.floodSent.get();
	}

	long sunkBytes() {
		return this.sunkBytes.get();
	}

	/** Reads on after {@code sink-paused}. */
	void resumeReading() {
		for (Endpoint endpoint : this.open) {
			endpoint.resume();
		}
	}

	@Override
	public String toString() {
		return this.name + "@" + this.port;
	}

	/** One connection: explicit demand, so that a paused endpoint really stops reading. Public for Jetty's method handles. */
	public final class Endpoint implements Session.Listener {

		private final Handshake handshake;

		private volatile Session session;

		private volatile boolean sink;

		private volatile boolean paused;

		private boolean owed;

		private boolean firstText = true;

		private boolean firstBinary = true;

		Endpoint(Handshake handshake) {
			this.handshake = handshake;
		}

		private boolean recorded() {
			return this.handshake != null;
		}

		@Override
		public void onWebSocketOpen(Session session) {
			this.session = session;
			if (recorded()) {
				UpstreamServer.this.open.add(this);
			}
			session.demand();
		}

		// Jetty refuses onWebSocketFrame beside onWebSocketPing, so frames are recorded here.
		private void record(byte opcode, boolean fin, ByteBuffer payload) {
			if (recorded() && !this.sink) {
				byte[] bytes = new byte[payload.remaining()];
				payload.duplicate().get(bytes);
				UpstreamServer.this.frames.add(new ReceivedFrame(opcode, fin, bytes));
			}
		}

		@Override
		public void onWebSocketPartialText(String payload, boolean last) {
			boolean first = this.firstText;
			this.firstText = last;
			record(first ? OpCode.TEXT : OpCode.CONTINUATION, last, StandardCharsets.UTF_8.encode(payload));
			if (first && last && command(payload)) {
				return;
			}
			this.session.sendPartialText(payload, last, Callback.from(this::demand, this::failed));
		}

		@Override
		public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
			boolean first = this.firstBinary;
			this.firstBinary = last;
			record(first ? OpCode.BINARY : OpCode.CONTINUATION, last, payload);
			if (this.sink) {
				UpstreamServer.this.sunkBytes.addAndGet(payload.remaining());
				callback.succeed();
				demand();
				return;
			}
			this.session.sendPartialBinary(payload, last, Callback.from(() -> {
				callback.succeed();
				demand();
			}, (failure) -> {
				callback.fail(failure);
				failed(failure);
			}));
		}

		@Override
		public void onWebSocketPing(ByteBuffer payload) {
			record(OpCode.PING, true, payload);
			this.session.sendPong(payload, Callback.from(this::demand, this::failed));
		}

		@Override
		public void onWebSocketPong(ByteBuffer payload) {
			record(OpCode.PONG, true, payload);
			demand();
		}

		@Override
		public void onWebSocketError(Throwable cause) {
			// a connection the test dropped or closed; its close is recorded below
		}

		@Override
		public void onWebSocketClose(int statusCode, String reason, Callback callback) {
			if (recorded()) {
				UpstreamServer.this.open.remove(this);
				UpstreamServer.this.closes.add(new Closed(this.handshake.path(), statusCode));
			}
			callback.succeed();
		}

		private boolean command(String text) {
			if (text.equals("whoami")) {
				Map<String, Object> reply = new LinkedHashMap<>();
				reply.put("server", UpstreamServer.this.name);
				reply.put("path", this.handshake.path());
				reply.put("query", this.handshake.query());
				reply.put("headers", this.handshake.headers());
				reply.put("subprotocol", this.handshake.subprotocol());
				this.session.sendText(TestClient.json().writeValueAsString(reply), Callback.from(this::demand, this::failed));
				return true;
			}
			String[] parts = text.split(":", 3);
			switch (parts[0]) {
				case "close" -> this.session.close(Integer.parseInt(parts[1]), (parts.length > 2) ? parts[2] : null,
						Callback.NOOP);
				case "drop" -> this.session.disconnect();
				case "fragments" -> sendFragments(0, Integer.parseInt(parts[1]));
				case "ping" -> this.session.sendPing(ByteBuffer.wrap(parts[1].getBytes(StandardCharsets.UTF_8)),
						Callback.from(this::demand, this::failed));
				case "flood" -> {
					flood(0, Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
					demand();
				}
				case "sink-paused" -> {
					this.sink = true;
					this.paused = true;
					demand();
				}
				default -> {
					return false;
				}
			}
			return true;
		}

		private void sendFragments(int index, int count) {
			boolean last = index == count - 1;
			this.session.sendPartialText("f" + index, last, Callback.from(() -> {
				if (last) {
					demand();
				}
				else {
					sendFragments(index + 1, count);
				}
			}, this::failed));
		}

		private void flood(int sequence, int count, int size) {
			if (sequence == count) {
				return;
			}
			ByteBuffer message = ByteBuffer.allocate(size);
			message.putInt(0, sequence);
			this.session.sendBinary(message, Callback.from(() -> {
				UpstreamServer.this.floodSentBytes.addAndGet(size);
				UpstreamServer.this.floodSent.incrementAndGet();
				flood(sequence + 1, count, size);
			}, this::failed));
		}

		private void demand() {
			synchronized (this) {
				if (this.paused) {
					this.owed = true;
					return;
				}
			}
			this.session.demand();
		}

		void resume() {
			boolean demand;
			synchronized (this) {
				this.paused = false;
				demand = this.owed;
				this.owed = false;
			}
			if (demand) {
				this.session.demand();
			}
		}

		private void failed(Throwable failure) {
			// the connection is going away; the close callback records how
		}

	}

}
