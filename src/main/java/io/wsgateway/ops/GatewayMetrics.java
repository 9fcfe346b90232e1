package io.wsgateway.ops;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wsgateway.bus.BusMetering;
import io.wsgateway.handshake.HandshakeEvents;
import io.wsgateway.handshake.HandshakeOutcome;
import io.wsgateway.handshake.PendingConnections;
import io.wsgateway.handshake.PendingConnections.PendingCloseReason;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.SessionEvents;
import io.wsgateway.session.SessionRegistry;

import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * The gateway's meters, with exactly the names and tags of the metrics contract. No tag
 * ever carries a user id, connection id or room name: message types are tagged only when
 * a handler exists for them, everything else is {@code unknown}.
 */
@Component
public class GatewayMetrics implements SessionEvents, HandshakeEvents, BusMetering {

	static final String UNKNOWN = "unknown";

	/** The {@code kind} tag of the bus counters. */
	public enum BusKind {

		ROOM, CHAT, TYPING, NOTIFICATION, PRESENCE;

		/**
		 * Returns the kind for a bus event's {@code kind} or a backend routing key's first
		 * word; a global broadcast counts as {@code room}.
		 */
		public static BusKind of(String kindOrKey) {
			String word = (kindOrKey != null) ? kindOrKey.split("\\.", 2)[0] : "";
			return switch (word) {
				case "chat" -> CHAT;
				case "typing" -> TYPING;
				case "notification" -> NOTIFICATION;
				case "presence" -> PRESENCE;
				default -> ROOM;
			};
		}

		String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private final MeterRegistry registry;

	private final Map<HandshakeOutcome, Counter> handshakes = new ConcurrentHashMap<>();

	private final Map<String, Counter> messagesIn = new ConcurrentHashMap<>();

	private final Map<String, Counter> messagesOut = new ConcurrentHashMap<>();

	private final Map<String, Timer> handling = new ConcurrentHashMap<>();

	private final Map<Integer, Counter> closes = new ConcurrentHashMap<>();

	private final Map<BusKind, Counter> busPublished = new ConcurrentHashMap<>();

	private final Map<BusKind, Counter> busDelivered = new ConcurrentHashMap<>();

	private final Counter overflows;

	private final Map<PendingCloseReason, Counter> pendingClosed = new ConcurrentHashMap<>();

	private final Counter pongsCoalesced;

	private final Counter bytesIn;

	private final Counter bytesOut;

	private final Timer busRoundtrip;

	private final Counter busMalformed;

	GatewayMetrics(MeterRegistry registry, @Lazy SessionRegistry sessions, @Lazy PendingConnections pending) {
		this.registry = registry;
		Gauge.builder("gateway.connections.pending", pending, PendingConnections::size)
			.description("Connections open without a completed request (gateway.admission.max-pending-per-ip)")
			.strongReference(true)
			.register(registry);
		Gauge.builder("gateway.connections.active", sessions, SessionRegistry::size)
			.description("Open WebSocket connections on this node")
			.strongReference(true)
			.register(registry);
		Gauge.builder("gateway.users.active", sessions, SessionRegistry::userCount)
			.description("Distinct users with an open connection on this node")
			.strongReference(true)
			.register(registry);
		for (HandshakeOutcome outcome : HandshakeOutcome.values()) {
			this.handshakes.put(outcome, Counter.builder("gateway.handshakes")
				.description("WebSocket handshakes by outcome")
				.tag("outcome", outcome.tag())
				.register(registry));
		}
		for (BusKind kind : BusKind.values()) {
			this.busPublished.put(kind, Counter.builder("gateway.bus.published")
				.description("Events this node published to the bus")
				.tag("kind", kind.tag())
				.register(registry));
			this.busDelivered.put(kind, Counter.builder("gateway.bus.delivered")
				.description("Events from the bus delivered to local sessions")
				.tag("kind", kind.tag())
				.register(registry));
		}
		this.overflows = Counter.builder("gateway.send.overflows")
			.description("Connections closed as slow consumers (4010)")
			.register(registry);
		for (PendingCloseReason reason : PendingCloseReason.values()) {
			this.pendingClosed.put(reason, Counter.builder("gateway.connections.pending.closed")
				.description("Connections closed before completing a request: handshake-timeout or max-pending-per-ip")
				.tag("reason", reason.tag())
				.register(registry));
		}
		this.pongsCoalesced = Counter.builder("gateway.pongs.coalesced")
			.description("Pongs that replaced an earlier pong still waiting to be written (pings a client did not read)")
			.register(registry);
		this.bytesIn = Counter.builder("gateway.bytes").tag("direction", "in").baseUnit("bytes").register(registry);
		this.bytesOut = Counter.builder("gateway.bytes").tag("direction", "out").baseUnit("bytes").register(registry);
		this.busRoundtrip = Timer.builder("gateway.bus.roundtrip")
			.description("Time from publishing an event to its delivery back on a node, or to the broker's confirm")
			.publishPercentileHistogram()
			.register(registry);
		this.busMalformed = Counter.builder("gateway.bus.malformed")
			.description("Events from the broker dropped because they could not be read")
			.register(registry);
		messages(this.messagesIn, "in", UNKNOWN);
	}

	/**
	 * Returns the inbound counter of each known type, the only ones that become tag values,
	 * with {@code null} for the {@code unknown} one.
	 */
	Map<String, Counter> inboundCounters(Collection<String> types) {
		Map<String, Counter> counters = new HashMap<>();
		types.forEach((type) -> counters.put(type, messages(this.messagesIn, "in", type)));
		counters.put(null, messages(this.messagesIn, "in", UNKNOWN));
		return counters;
	}

	/** Returns the timer of the handling of a known {@code type}, registered on its first use. */
	Timer handlingTimer(String type) {
		Timer timer = this.handling.get(type);
		if (timer == null) {
			timer = this.handling.computeIfAbsent(type, (key) -> Timer.builder("gateway.message.handling")
				.description("Time to route and handle one inbound message")
				.tag("type", key)
				.publishPercentileHistogram()
				.register(this.registry));
		}
		return timer;
	}

	/** Counts an event from the bus delivered to this node's sessions. */
	public void busDelivered(BusKind kind) {
		this.busDelivered.get(kind).increment();
	}

	/** Counts an event published to the bus, by its kind ({@link BusKind#of}). */
	@Override
	public void published(String kindOrKey) {
		this.busPublished.get(BusKind.of(kindOrKey)).increment();
	}

	/** Records a bus round trip. */
	@Override
	public void roundtrip(long nanos) {
		this.busRoundtrip.record(nanos, TimeUnit.NANOSECONDS);
	}

	/** Counts an unreadable event from the broker. */
	@Override
	public void malformed() {
		this.busMalformed.increment();
	}

	/** Registers {@code gateway.bus.connected}: 1 while the broker connection is open, else 0. */
	@Override
	public void connection(BooleanSupplier connected) {
		Gauge.builder("gateway.bus.connected", connected, (state) -> state.getAsBoolean() ? 1 : 0)
			.description("1 while this node's RabbitMQ connection is open, 0 otherwise")
			.strongReference(true)
			.register(this.registry);
	}

	/** Returns handshakes with this outcome since start. */
	public long handshakes(HandshakeOutcome outcome) {
		return (long) this.handshakes.get(outcome).count();
	}

	/** Returns slow-consumer closes since start. */
	public long overflows() {
		return (long) this.overflows.count();
	}

	/** Returns closes since start by close code. */
	public Map<Integer, Long> closesByCode() {
		Map<Integer, Long> closes = new TreeMap<>();
		this.closes.forEach((code, counter) -> closes.put(code, (long) counter.count()));
		return closes;
	}

	/** Returns messages since start in one direction ({@code in} or {@code out}) by type. */
	public Map<String, Long> messages(String direction) {
		Map<String, Long> counts = new TreeMap<>();
		("in".equals(direction) ? this.messagesIn : this.messagesOut)
			.forEach((type, counter) -> counts.put(type, (long) counter.count()));
		return counts;
	}

	/** Returns text bytes since start in one direction ({@code in} or {@code out}). */
	public long bytes(String direction) {
		return (long) ("in".equals(direction) ? this.bytesIn : this.bytesOut).count();
	}

	@Override
	public void handshake(HandshakeOutcome outcome) {
		this.handshakes.get(outcome).increment();
	}

	@Override
	public void pendingClosed(PendingCloseReason reason) {
		this.pendingClosed.get(reason).increment();
	}

	@Override
	public void pongCoalesced(ClientSession session) {
		this.pongsCoalesced.increment();
	}

	@Override
	public void opened(ClientSession session) {
		handshake(HandshakeOutcome.ACCEPTED);
	}

	@Override
	public void closed(ClientSession session, CloseStatus status) {
		this.closes.computeIfAbsent(status.getCode(), (code) -> Counter.builder("gateway.closes")
			.description("Closed connections by close code")
			.tag("code", Integer.toString(code))
			.register(this.registry)).increment();
	}

	@Override
	public void frameReceived(ClientSession session, int bytes) {
		this.bytesIn.increment(bytes);
	}

	@Override
	public void frameSent(ClientSession session, OutboundFrame frame) {
		messages(this.messagesOut, "out", frame.type()).increment();
		this.bytesOut.increment(frame.size());
	}

	@Override
	public void sendOverflow(ClientSession session) {
		this.overflows.increment();
	}

	// get() first: the function given to computeIfAbsent captures this, so it would be
	// allocated for every message, once per member of every fan-out
	private Counter messages(Map<String, Counter> byType, String direction, String type) {
		Counter counter = byType.get(type);
		return (counter != null) ? counter
				: byType.computeIfAbsent(type, (key) -> Counter.builder("gateway.messages")
					.description("WebSocket messages by direction and type")
					.tag("direction", direction)
					.tag("type", key)
					.register(this.registry));
	}

}
