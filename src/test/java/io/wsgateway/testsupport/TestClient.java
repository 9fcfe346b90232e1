package io.wsgateway.testsupport;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A WebSocket client for end-to-end tests, over the JDK's {@link java.net.http.WebSocket}.
 *
 * <p>{@link #connect} returns once the handshake succeeded and the gateway's first frame,
 * {@code connected}, has arrived; that frame is kept in {@link #connected()} and is not
 * in the inbox, so a test starts with an empty queue. Every later text message is parsed
 * as JSON (a text that is not JSON becomes a JSON string node) and queued in arrival order.
 * <pre>{@code
 * try (TestClient client = TestClient.connect(TestClient.uri(port), TestClient.bearer(TestTokens.token("alice")))) {
 *     JsonNode pong = client.request("{\"type\":\"ping\"}");      // adds an id, waits for the reply with it
 *     client.send(Map.of("type", "echo", "payload", "hi"));
 *     assertThat(client.next("echo").get("payload").asString()).isEqualTo("hi");
 *     client.assertNoMessage(Duration.ofMillis(200));
 * }
 * }</pre>
 * A refused handshake throws {@link HandshakeFailure} (status and response headers);
 * {@link #handshake} returns a {@link HandshakeResult} instead. Waiting methods fail with
 * an {@link AssertionError} after their timeout, or at once when the connection has closed
 * and nothing is left to read. Sends wait until the JDK has written the frame, so a client
 * may be shared by several sending threads.
 *
 * <p>{@link #pauseReading()} stops asking the JDK for more messages: it then stops reading
 * the socket (and answering pings), which to the server looks like a client that stopped
 * reading. {@link #resumeReading()} continues.
 */
public final class TestClient implements AutoCloseable {

	/** Default wait for messages, handshakes and closes: generous, for slow machines. */
	public static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** Close code reported when the connection ended without a close frame (RFC 6455 1006). */
	public static final int ABNORMAL_CLOSE = 1006;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private static final Duration POLL_SLICE = Duration.ofMillis(25);

	private final LinkedBlockingDeque<JsonNode> inbox = new LinkedBlockingDeque<>();

	private final List<ByteBuffer> binary = new ArrayList<>();

	private final CompletableFuture<Close> closed = new CompletableFuture<>();

	private final AtomicLong ids = new AtomicLong();

	private final Object sendLock = new Object();

	private final Object demandLock = new Object();

	private final StringBuilder fragments = new StringBuilder();

	private final Listener listener = new Listener();

	private WebSocket webSocket;

	private JsonNode connected;

	private boolean paused;

	private boolean owed;

	private TestClient() {
	}

	// ---- connecting ---------------------------------------------------------------

	/** Returns {@code ws://127.0.0.1:<port>/ws}. */
	public static URI uri(int port) {
		return URI.create("ws://127.0.0.1:" + port + "/ws");
	}

	/** Returns {@code ws://127.0.0.1:<port>/ws?access_token=<token>}. */
	public static URI uri(int port, String accessToken) {
		return URI.create(uri(port) + "?access_token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8));
	}

	/** Returns an {@code Authorization: Bearer <token>} header map. */
	public static Map<String, String> bearer(String token) {
		return Map.of("Authorization", "Bearer " + token);
	}

	/** Connects to {@code ws://127.0.0.1:<port>/ws} with {@code Authorization: Bearer <token>}. */
	public static TestClient connect(int port, String token) {
		return connect(uri(port), bearer(token));
	}

	/** Connects without extra headers; see {@link #connect(URI, Map)}. */
	public static TestClient connect(URI uri) {
		return connect(uri, Map.of());
	}

	/**
	 * Opens a connection and waits for the {@code connected} frame.
	 * @param headers extra handshake headers such as {@code Authorization}, {@code Origin},
	 * {@code X-Forwarded-For} (the JDK refuses to set {@code Host}, {@code Connection},
	 * {@code Upgrade} and {@code Sec-WebSocket-*}; use {@link RawWebSocket} for those)
	 * @throws HandshakeFailure if the server refused the handshake
	 */
	public static TestClient connect(URI uri, Map<String, String> headers) {
		return connect(HTTP, uri, headers);
	}

	/**
	 * As {@link #connect(URI, Map)}, over the given {@link HttpClient}: for tests that open
	 * hundreds of connections, one client with a small fixed executor keeps threads few
	 * (the default client's executor grows a thread per busy connection).
	 */
	public static TestClient connect(HttpClient http, URI uri, Map<String, String> headers) {
		TestClient client = open(http, uri, headers);
		try {
			JsonNode first = client.next(TIMEOUT);
			if (!"connected".equals(first.path("type").asString(null))) {
				throw new AssertionError("expected 'connected' as the first frame, got " + first);
			}
			client.connected = first;
			return client;
		}
		catch (RuntimeException | AssertionError ex) {
			client.close();
			throw ex;
		}
	}

	/**
	 * Opens a connection without waiting for any frame: for endpoints that do not greet,
	 * or tests of the greeting itself.
	 * @throws HandshakeFailure if the server refused the handshake
	 */
	public static TestClient open(URI uri, Map<String, String> headers) {
		return open(HTTP, uri, headers);
	}

	/** As {@link #open(URI, Map)}, over the given {@link HttpClient}. */
	public static TestClient open(HttpClient http, URI uri, Map<String, String> headers) {
		TestClient client = new TestClient();
		WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
		headers.forEach(builder::header);
		try {
			client.webSocket = builder.buildAsync(uri, client.listener).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return client;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException refused) {
				throw new HandshakeFailure(refused.getResponse().statusCode(), refused.getResponse().headers().map());
			}
			throw new IllegalStateException("could not connect to " + uri, ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (TimeoutException ex) {
			throw new AssertionError("no handshake answer from " + uri + " within " + TIMEOUT);
		}
	}

	/** Like {@link #connect(URI, Map)}, but returns a refusal instead of throwing it. */
	public static HandshakeResult handshake(URI uri, Map<String, String> headers) {
		try {
			return HandshakeResult.accepted(connect(uri, headers));
		}
		catch (HandshakeFailure failure) {
			return HandshakeResult.refused(failure);
		}
	}

	/** Returns the JSON mapper the client uses (Jackson 3), for building messages. */
	public static JsonMapper json() {
		return JSON;
	}

	/** Returns the {@code connected} frame, or {@code null} if opened with {@link #open}. */
	public JsonNode connected() {
		return this.connected;
	}

	/** Returns {@code connectionId} from the {@code connected} frame. */
	public String connectionId() {
		return (this.connected != null) ? this.connected.path("connectionId").asString(null) : null;
	}

	/** Returns the underlying JDK WebSocket. */
	public WebSocket webSocket() {
		return this.webSocket;
	}

	// ---- sending ------------------------------------------------------------------

	/** Sends one text frame and waits until it is written. */
	public void send(String text) {
		sendText(text, true);
	}

	/** Sends an object (a {@link Map}, record or {@link JsonNode}) as JSON. */
	public void send(Object message) {
		send(JSON.writeValueAsString(message));
	}

	/**
	 * Sends part of a text message: {@code last = false} sends a fragment (the first one a
	 * text frame, later ones continuation frames), {@code last = true} ends the message.
	 */
	public void sendText(String text, boolean last) {
		synchronized (this.sendLock) {
			await(this.webSocket.sendText(text, last), "send text");
		}
	}

	/** Sends a binary frame. */
	public void sendBinary(byte[] bytes) {
		synchronized (this.sendLock) {
			await(this.webSocket.sendBinary(ByteBuffer.wrap(bytes), true), "send binary");
		}
	}

	/** Sends a WebSocket ping with an empty payload. */
	public void sendPing() {
		synchronized (this.sendLock) {
			await(this.webSocket.sendPing(ByteBuffer.allocate(0)), "send ping");
		}
	}

	/**
	 * Sends a JSON object with an {@code id} (one is added if it has none) and waits for
	 * the reply carrying that {@code id}. Messages without that id stay in the inbox, in order.
	 */
	public JsonNode request(String json) {
		return request(json, TIMEOUT);
	}

	/** As {@link #request(String)} with a timeout. */
	public JsonNode request(String json, Duration timeout) {
		JsonNode parsed = JSON.readTree(json);
		if (!(parsed instanceof ObjectNode message)) {
			throw new IllegalArgumentException("not a JSON object: " + json);
		}
		if (!message.hasNonNull("id")) {
			message.put("id", "req-" + this.ids.incrementAndGet());
		}
		String id = message.get("id").asString();
		send(message.toString());
		return await((reply) -> id.equals(reply.path("id").asString(null)), timeout);
	}

	/** As {@link #request(String)}, for a {@link Map} or record. */
	public JsonNode request(Object message) {
		return request(JSON.writeValueAsString(message));
	}

	// ---- receiving ----------------------------------------------------------------

	/** Returns the next message, waiting up to {@link #TIMEOUT}. */
	public JsonNode next() {
		return next(TIMEOUT);
	}

	/** Returns the next message. */
	public JsonNode next(Duration timeout) {
		JsonNode message = poll(timeout);
		if (message == null) {
			throw new AssertionError("no message within " + timeout + describeState());
		}
		return message;
	}

	/** Returns the next message of this {@code type}, discarding the ones before it; waits up to {@link #TIMEOUT}. */
	public JsonNode next(String type) {
		return next(type, TIMEOUT);
	}

	/** Returns the next message of this {@code type}, discarding the messages of other types before it. */
	public JsonNode next(String type, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<JsonNode> skipped = new ArrayList<>();
		while (true) {
			JsonNode message = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
			if (message == null) {
				throw new AssertionError("no '" + type + "' message within " + timeout + "; skipped " + skipped
						+ describeState());
			}
			if (type.equals(message.path("type").asString(null))) {
				return message;
			}
			skipped.add(message);
		}
	}

	/**
	 * Returns the first message that matches, waiting for it; messages before it that do
	 * not match stay in the inbox in their order.
	 */
	public JsonNode await(Predicate<JsonNode> condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Deque<JsonNode> held = new ArrayDeque<>();
		try {
			while (true) {
				JsonNode message = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
				if (message == null) {
					throw new AssertionError("no matching message within " + timeout + "; seen " + held
							+ describeState());
				}
				if (condition.test(message)) {
					return message;
				}
				held.addLast(message);
			}
		}
		finally {
			// put the others back in front, oldest first, ahead of anything newer
			while (!held.isEmpty()) {
				this.inbox.addFirst(held.removeLast());
			}
		}
	}

	/** Removes and returns every message received so far, without waiting. */
	public List<JsonNode> drain() {
		List<JsonNode> messages = new ArrayList<>();
		this.inbox.drainTo(messages);
		return messages;
	}

	/** Collects messages until none has arrived for {@code quiet}; returns them in order. */
	public List<JsonNode> drain(Duration quiet) {
		List<JsonNode> messages = new ArrayList<>();
		JsonNode message;
		while ((message = poll(quiet)) != null) {
			messages.add(message);
		}
		return messages;
	}

	/** Collects exactly {@code count} messages, waiting up to {@code timeout} for all of them. */
	public List<JsonNode> take(int count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<JsonNode> messages = new ArrayList<>(count);
		while (messages.size() < count) {
			JsonNode message = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
			if (message == null) {
				throw new AssertionError("got " + messages.size() + " of " + count + " messages within " + timeout
						+ describeState());
			}
			messages.add(message);
		}
		return messages;
	}

	/** Fails if any message arrives within {@code duration} (or is already queued). */
	public void assertNoMessage(Duration duration) {
		JsonNode message = poll(duration);
		if (message != null) {
			throw new AssertionError("expected no message for " + duration + ", got " + message);
		}
	}

	/** Returns the binary messages received so far (the gateway sends none). */
	public List<ByteBuffer> binaryMessages() {
		synchronized (this.binary) {
			return List.copyOf(this.binary);
		}
	}

	// ---- closing ------------------------------------------------------------------

	/** Waits up to {@link #TIMEOUT} for the server to close; returns the close code. */
	public int awaitClose() {
		return awaitClose(TIMEOUT);
	}

	/**
	 * Waits for the connection to end and returns the close code the server sent, or
	 * {@link #ABNORMAL_CLOSE} if it ended without a close frame.
	 */
	public int awaitClose(Duration timeout) {
		try {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS).code();
		}
		catch (TimeoutException ex) {
			throw new AssertionError("connection still open after " + timeout + describeState());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
	}

	/** Returns the close reason the server sent, or {@code null} while open or after an abnormal end. */
	public String closeReason() {
		Close close = this.closed.getNow(null);
		return (close != null) ? close.reason() : null;
	}

	/** Returns whether the connection has ended (close frame received, or connection lost). */
	public boolean isClosed() {
		return this.closed.isDone();
	}

	/** Stops reading: the JDK stops taking frames off the socket, pings included. */
	public void pauseReading() {
		synchronized (this.demandLock) {
			this.paused = true;
		}
	}

	/** Reads again after {@link #pauseReading()}. */
	public void resumeReading() {
		synchronized (this.demandLock) {
			this.paused = false;
			if (this.owed) {
				this.owed = false;
				this.webSocket.request(1);
			}
		}
	}

	/** Sends a normal close (1000) if still open, waits briefly for the answer, then drops the connection. */
	@Override
	public void close() {
		if (this.webSocket == null) {
			return;
		}
		resumeReading();
		if (!this.closed.isDone() && !this.webSocket.isOutputClosed()) {
			try {
				synchronized (this.sendLock) {
					this.webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
				}
				this.closed.get(2, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				// dropped below
			}
		}
		this.webSocket.abort();
	}

	// ---- internals ----------------------------------------------------------------

	private JsonNode poll(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (true) {
				JsonNode message = this.inbox.pollFirst();
				if (message != null) {
					return message;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0 || (this.closed.isDone() && this.inbox.isEmpty())) {
					return null;
				}
				message = this.inbox.pollFirst(Math.min(left, POLL_SLICE.toNanos()), TimeUnit.NANOSECONDS);
				if (message != null) {
					return message;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private String describeState() {
		Close close = this.closed.getNow(null);
		return (close == null) ? "; connection open" : "; connection closed with " + close.code() + " " + close.reason();
	}

	private static <T> T await(CompletableFuture<T> future, String what) {
		try {
			return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("could not " + what, ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new AssertionError("could not " + what + " within " + TIMEOUT);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private void demand(WebSocket ws) {
		synchronized (this.demandLock) {
			if (this.paused) {
				this.owed = true;
			}
			else {
				ws.request(1);
			}
		}
	}

	private record Close(int code, String reason) {
	}

	private final class Listener implements WebSocket.Listener {

		@Override
		public void onOpen(WebSocket ws) {
			demand(ws);
		}

		@Override
		public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
			fragments.append(data);
			if (last) {
				String text = fragments.toString();
				fragments.setLength(0);
				JsonNode message;
				try {
					message = JSON.readTree(text);
				}
				catch (JacksonException ex) {
					message = JSON.getNodeFactory().stringNode(text);
				}
				inbox.addLast(message);
			}
			demand(ws);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
			ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
			synchronized (binary) {
				binary.add(copy);
			}
			demand(ws);
			return null;
		}

		@Override
		public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
			demand(ws);
			return null;
		}

		@Override
		public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
			demand(ws);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
			closed.complete(new Close(statusCode, reason));
			return null;
		}

		@Override
		public void onError(WebSocket ws, Throwable error) {
			closed.complete(new Close(ABNORMAL_CLOSE, null));
		}

	}

}
