package io.wsgateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.util.unit.DataSize;

/**
 * Builds {@link ClientSession}s and {@link SessionRegistry}s without a server, for unit
 * tests of sessions and of handlers in other packages (whose constructors are not public).
 * <pre>{@code
 * FakeTransport transport = new FakeTransport();
 * ClientSession alice = TestSessions.session("alice", transport);
 * handler.handle(alice, message);
 * assertThat(transport.texts()).singleElement().asString().contains("\"type\":\"room_joined\"");
 * }</pre>
 */
public final class TestSessions {

	/** The send limits of {@link #session(String, FakeTransport)}: the gateway's defaults, 1 MB and 10 s. */
	public static final DataSize DEFAULT_BUFFER_LIMIT = DataSize.ofMegabytes(1);

	public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(10);

	private TestSessions() {
	}

	/** A session of {@code userId} (no roles or clans) over {@code transport}. */
	public static ClientSession session(String userId, FakeTransport transport) {
		return session(identity(userId), transport);
	}

	/** A session with this identity over {@code transport}, the default send limits and no listener. */
	public static ClientSession session(ClientIdentity identity, FakeTransport transport) {
		return session(identity, transport, DEFAULT_BUFFER_LIMIT, DEFAULT_TIME_LIMIT, new SessionEvents() {
		});
	}

	/** A session with everything given. */
	public static ClientSession session(ClientIdentity identity, FakeTransport transport, DataSize bufferLimit,
			Duration timeLimit, SessionEvents events) {
		return new ClientSession(UUID.randomUUID().toString(), identity, "192.0.2.1", "test-agent", transport,
				new SendLimits(bufferLimit.toBytes(), timeLimit.toNanos()), events);
	}

	/** An identity with roles and clans and a token that does not expire. */
	public static ClientIdentity identity(String userId, Set<String> roles, Set<String> clans) {
		return new ClientIdentity(userId, roles, clans, null, false);
	}

	/** An identity without roles or clans and a token that does not expire. */
	public static ClientIdentity identity(String userId) {
		return identity(userId, Set.of(), Set.of());
	}

	/** A registry with the {@code multiple} per-user policy. */
	public static SessionRegistry registry(SessionEvents... events) {
		return registry(SessionsProperties.PerUserPolicy.MULTIPLE, events);
	}

	/** A registry with the given per-user policy. */
	public static SessionRegistry registry(SessionsProperties.PerUserPolicy policy, SessionEvents... events) {
		return new SessionRegistry(new SessionsProperties(policy), List.of(events));
	}

	/** Registers a session, as the WebSocket handler does once the connection is open. */
	public static void register(SessionRegistry registry, ClientSession session) {
		registry.register(session);
	}

	/** Unregisters a session, as the WebSocket handler does once the connection closed. */
	public static void unregister(SessionRegistry registry, ClientSession session, int code) {
		registry.unregister(session, new org.springframework.web.socket.CloseStatus(code));
	}

	/**
	 * Returns the registered session of a connection, waiting for it: the client may read
	 * its {@code connected} frame a moment before the server has registered the session.
	 */
	public static ClientSession awaitRegistered(SessionRegistry registry, String connectionId) {
		return org.awaitility.Awaitility.await("session " + connectionId + " registered")
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> registry.get(connectionId), java.util.Objects::nonNull);
	}

	/** Records inbound traffic: a text message of {@code bytes} bytes, or a pong when negative. */
	public static void receive(ClientSession session, int bytes) {
		session.recordInbound(bytes);
	}

	/** Runs the session's timers at {@code nanoTime} and {@code wallClock}, the node not having paused. */
	public static void checkTimers(ClientSession session, long nanoTime, Instant wallClock, Duration heartbeat,
			Duration idleTimeout) {
		checkTimers(session, nanoTime, nanoTime, wallClock, heartbeat, idleTimeout);
	}

	/** Runs the session's timers at {@code nanoTime}, of which the node ran until {@code running}. */
	public static void checkTimers(ClientSession session, long nanoTime, long running, Instant wallClock,
			Duration heartbeat, Duration idleTimeout) {
		session.checkTimers(nanoTime, running, wallClock,
				new SessionTimeouts(heartbeat.toNanos(), idleTimeout.toNanos(), 0));
	}

}
