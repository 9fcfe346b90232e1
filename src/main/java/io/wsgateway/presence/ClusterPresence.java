package io.wsgateway.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.wsgateway.NodeProperties;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusEventListener;
import io.wsgateway.bus.EventBus;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.SessionEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * Cluster-wide presence: which connections, users and room members exist on every node,
 * the {@code presence} events for rooms that asked for them, and the debounced
 * {@code presence.connected} / {@code presence.disconnected} events for backends.
 *
 * <p>How nodes know about each other's connections: each node publishes every change of
 * its own connections (open, close, join, leave) on {@code cluster.presence}, and every
 * {@code node-heartbeat} a full snapshot of them. Every node is bound to that key and keeps
 * the others' connections in its {@link PresenceLedger}. A snapshot replaces what the
 * sender reported before, so a change lost during a broker outage is repaired by the next
 * heartbeat; a node that has not been heard of for {@code node-timeout} is forgotten, and
 * its connections leave as if they had closed. A node that stops gracefully says
 * {@code bye} and is forgotten at once. A starting node's first snapshot asks the others
 * to answer with theirs, so it knows the cluster within one broker round trip.
 *
 * <p>Every node derives the presence events from the same stream, so each can tell its
 * own members of a room. Backend events must be published once, so only the oldest node
 * (earliest start, by its own clock) publishes them; if that node dies, the next oldest
 * takes over once the dead one has timed out.
 *
 * <p>All state is guarded by one lock, which is also held while this node publishes its
 * own changes: the bus keeps one node's events in order, so the others apply them in the
 * order they happened here, and a snapshot never overtakes a change made before it.
 */
@Component
public class ClusterPresence implements SessionEvents, BusEventListener, SmartInitializingSingleton, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ClusterPresence.class);

	static final String CONNECTED_KEY = "presence.connected";

	static final String DISCONNECTED_KEY = "presence.disconnected";

	private static final String KIND = "presence";

	/** The tick that expires silent nodes and decides whether a snapshot is due; finer than any heartbeat. */
	private static final Duration MAX_TICK = Duration.ofMillis(250);

	/** {@code presence {room, userId, action}}, sent to a room's members that asked for it. */
	record PresenceMessage(String room, String userId, String action) implements ServerMessage {

		static final String JOINED = "joined";

		static final String LEFT = "left";

		@Override
		public String type() {
			return "presence";
		}

	}

	/** The body of {@code presence.connected} / {@code presence.disconnected} for backends. */
	record BackendPresence(String userId, String connectionId, String node, Instant timestamp) {
	}

	private static final class Node {

		private final String name;

		private final Instant startedAt;

		private long lastHeardNanos;

		Node(String name, Instant startedAt) {
			this.name = name;
			this.startedAt = startedAt;
		}

	}

	/** One of this node's connections: the session, and the rooms in which it wants {@code presence} events. */
	private record Local(ClientSession session, Set<String> notified) {
	}

	private final Object lock = new Object();

	private final EventBus bus;

	private final MessageCodec codec;

	private final JsonMapper mapper;

	private final GatewayMetrics metrics;

	private final PresenceProperties properties;

	private final String instance;

	private final String node;

	private final Instant startedAt = Instant.now();

	private final long startedNanos = System.nanoTime();

	private final ScheduledThreadPoolExecutor scheduler;

	private final PresenceLedger ledger;

	private final Map<String, Node> nodes = new HashMap<>();

	private final Map<String, Local> local = new HashMap<>();

	// room -> this node's connections that want presence events there: an arrival is told
	// to these, not looked for among all of a room's members, which made every join of a
	// room of n cost O(n) under the lock that every handshake takes too
	private final Map<String, Set<ClientSession>> watchers = new HashMap<>();

	private long lastSnapshotNanos;

	private volatile boolean synced;

	ClusterPresence(EventBus bus, MessageCodec codec, GatewayMetrics metrics, NodeProperties node,
			PresenceProperties properties) {
		this.bus = bus;
		this.codec = codec;
		this.mapper = codec.mapper();
		this.metrics = metrics;
		this.properties = properties;
		this.node = node.nodeId();
		// Unique per process even where two nodes share a node id: it decides which events are ours.
		this.instance = this.node + "-" + UUID.randomUUID().toString().substring(0, 8);
		this.scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "gateway-presence");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.ledger = new PresenceLedger(properties.gracePeriod(), this::schedule, new Emitter());
	}

	// ---- this node's connections ------------------------------------------------------

	/** Called by the session registry when a connection opened on this node. */
	@Override
	public void opened(ClientSession session) {
		synchronized (this.lock) {
			this.local.put(session.id(), new Local(session, new HashSet<>()));
			this.ledger.add(new PresenceLedger.Entry(session.id(), this.instance, this.node, session.userId(),
					session.ip(), session.userAgent(), session.connectedAt(), session.lastActiveAt()), List.of(), false);
			publish(message(ClusterWire.OPEN, null, null, describe(session, Set.of()), null, null));
		}
	}

	/** Called by the session registry when a connection of this node has ended. */
	@Override
	public void closed(ClientSession session, CloseStatus status) {
		synchronized (this.lock) {
			Local connection = this.local.remove(session.id());
			if (connection == null) {
				return;
			}
			connection.notified().forEach((room) -> unwatch(room, session));
			this.ledger.remove(this.instance, session.id());
			publish(message(ClusterWire.CLOSE, null, null, null, session.id(), null));
		}
	}

	/**
	 * Records that a connection of this node joined a room. Called by the {@code join_room}
	 * handler after the local join; joining again only updates {@code notify}.
	 * @param notify whether the connection wants {@code presence} events for the room
	 */
	public void joined(ClientSession session, String room, boolean notify) {
		synchronized (this.lock) {
			Local connection = this.local.get(session.id());
			if (connection == null) {
				// closed while the join was being handled
				return;
			}
			if (notify) {
				if (connection.notified().add(room)) {
					this.watchers.computeIfAbsent(room, (key) -> new HashSet<>()).add(session);
				}
			}
			else if (connection.notified().remove(room)) {
				unwatch(room, session);
			}
			if (this.ledger.join(this.instance, session.id(), room, false)) {
				publish(message(ClusterWire.JOIN, null, null, null, session.id(), room));
			}
		}
	}

	/** Records that a connection of this node left a room. Called by the {@code leave_room} handler. */
	public void left(ClientSession session, String room) {
		synchronized (this.lock) {
			Local connection = this.local.get(session.id());
			if (connection == null) {
				return;
			}
			if (connection.notified().remove(room)) {
				unwatch(room, session);
			}
			if (this.ledger.leave(this.instance, session.id(), room)) {
				publish(message(ClusterWire.LEAVE, null, null, null, session.id(), room));
			}
		}
	}

	private void unwatch(String room, ClientSession session) {
		this.watchers.computeIfPresent(room, (key, sessions) -> {
			sessions.remove(session);
			return sessions.isEmpty() ? null : sessions;
		});
	}

	// ---- queries ------------------------------------------------------------------------

	/** Returns the room's member connections on the other nodes, as last reported. */
	public int remoteMembers(String room) {
		synchronized (this.lock) {
			return this.ledger.membersElsewhere(room, this.instance);
		}
	}

	/** Returns a connection on any node, or empty if no node reported it. */
	public Optional<ConnectionInfo> connection(String connectionId) {
		synchronized (this.lock) {
			PresenceLedger.Entry entry = this.ledger.get(connectionId);
			return (entry != null) ? Optional.of(info(entry)) : Optional.empty();
		}
	}

	/** Returns the user's connections on every node, oldest first. */
	public List<ConnectionInfo> connectionsOf(String userId) {
		synchronized (this.lock) {
			return this.ledger.ofUser(userId)
				.stream()
				.sorted(Comparator.comparing((PresenceLedger.Entry entry) -> entry.connectedAt)
					.thenComparing((entry) -> entry.id))
				.map(this::info)
				.toList();
		}
	}

	/** Returns who is in the room across every node; users within the grace period are not listed. */
	public RoomPresence room(String room) {
		synchronized (this.lock) {
			List<RoomPresence.Member> users = new ArrayList<>();
			int members = 0;
			for (Map.Entry<String, List<PresenceLedger.Entry>> user : this.ledger.inRoom(room).entrySet()) {
				users.add(new RoomPresence.Member(user.getKey(), user.getValue().size()));
				members += user.getValue().size();
			}
			return new RoomPresence(room, members, users);
		}
	}

	/** Returns how many other nodes this node currently knows of. */
	int knownNodes() {
		synchronized (this.lock) {
			return this.nodes.size();
		}
	}

	private ConnectionInfo info(PresenceLedger.Entry entry) {
		Local mine = entry.instance.equals(this.instance) ? this.local.get(entry.id) : null;
		Instant lastActiveAt = (mine != null) ? mine.session().lastActiveAt() : entry.lastActiveAt;
		return new ConnectionInfo(entry.id, entry.userId, entry.node, entry.ip, entry.userAgent, entry.connectedAt,
				lastActiveAt, List.copyOf(entry.rooms));
	}

	// ---- the other nodes ----------------------------------------------------------------

	@Override
	public String prefix() {
		return ClusterWire.KEY;
	}

	/**
	 * Applies another node's presence event. Called on the bus consumer thread, and
	 * synchronously for this node's own events, which are skipped.
	 */
	@Override
	public int onEvent(BusEvent event) {
		if (this.instance.equals(event.origin())) {
			return 0;
		}
		ClusterWire.Message message = ClusterWire.read(this.mapper, event.body());
		if (this.instance.equals(message.instance())) {
			return 0;
		}
		this.metrics.busDelivered(GatewayMetrics.BusKind.PRESENCE);
		synchronized (this.lock) {
			apply(message);
		}
		return 0;
	}

	private void apply(ClusterWire.Message message) {
		String sender = message.instance();
		Node known = this.nodes.get(sender);
		if (ClusterWire.BYE.equals(message.op())) {
			if (known != null) {
				forget(sender, "it stopped");
			}
			return;
		}
		if (known == null) {
			known = new Node(message.node(), message.startedAt());
			this.nodes.put(sender, known);
			logger.info("Presence: node {} ({}) joined the cluster view", message.node(), sender);
		}
		known.lastHeardNanos = System.nanoTime();
		switch (message.op()) {
			case ClusterWire.SNAPSHOT -> {
				List<PresenceLedger.Reported> snapshot = new ArrayList<>(message.connections().size());
				for (ClusterWire.Connection connection : message.connections()) {
					snapshot.add(new PresenceLedger.Reported(entry(message, connection), rooms(connection)));
				}
				// While this node starts, snapshots describe users who were there before it:
				// recording them as arrivals would announce every one of them as "joined".
				this.ledger.replace(sender, snapshot, isStarting());
				if (message.wantsSync()) {
					publishSnapshot(false);
				}
			}
			case ClusterWire.OPEN -> this.ledger.add(entry(message, message.connection()),
					rooms(message.connection()), false);
			case ClusterWire.CLOSE -> this.ledger.remove(sender, message.connectionId());
			case ClusterWire.JOIN -> this.ledger.join(sender, message.connectionId(), message.room(), false);
			case ClusterWire.LEAVE -> this.ledger.leave(sender, message.connectionId(), message.room());
			default -> throw new IllegalStateException("unhandled presence op " + message.op());
		}
	}

	private boolean isStarting() {
		return System.nanoTime() - this.startedNanos < this.properties.nodeTimeout().toNanos();
	}

	private void forget(String sender, String why) {
		Node gone = this.nodes.remove(sender);
		List<PresenceLedger.Entry> connections = this.ledger.ofInstance(sender);
		this.ledger.replace(sender, List.of(), false);
		logger.info("Presence: forgot node {} ({}) and its {} connection(s): {}", gone.name, sender,
				connections.size(), why);
	}

	private PresenceLedger.Entry entry(ClusterWire.Message message, ClusterWire.Connection connection) {
		return new PresenceLedger.Entry(connection.id(), message.instance(), message.node(), connection.userId(),
				connection.ip(), connection.userAgent(), connection.connectedAt(), connection.lastActiveAt());
	}

	private static Set<String> rooms(ClusterWire.Connection connection) {
		return (connection.rooms() != null) ? connection.rooms() : Set.of();
	}

	// ---- heartbeats ---------------------------------------------------------------------

	/** Binds this node to {@code cluster.presence} and starts the heartbeat; called once at start-up. */
	@Override
	public void afterSingletonsInstantiated() {
		if (!this.bus.reachesOtherNodes()) {
			// One node is the whole cluster: nothing to exchange, only grace timers to run.
			return;
		}
		this.bus.bind(ClusterWire.KEY);
		Duration tick = (this.properties.nodeHeartbeat().compareTo(MAX_TICK) < 0) ? this.properties.nodeHeartbeat()
				: MAX_TICK;
		this.scheduler.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void tick() {
		try {
			synchronized (this.lock) {
				long now = System.nanoTime();
				List<String> silent = new ArrayList<>();
				this.nodes.forEach((sender, other) -> {
					if (now - other.lastHeardNanos > this.properties.nodeTimeout().toNanos()) {
						silent.add(sender);
					}
				});
				for (String sender : silent) {
					logger.warn("Presence: node {} ({}) silent for more than {}; dropping its connections",
							this.nodes.get(sender).name, sender, this.properties.nodeTimeout());
					forget(sender, "timed out");
				}
				// Until a snapshot asking for everyone's has gone out, retry it on every tick:
				// the broker connection may not be up yet when the node starts.
				if (!this.synced || now - this.lastSnapshotNanos >= this.properties.nodeHeartbeat().toNanos()) {
					publishSnapshot(!this.synced);
				}
			}
		}
		catch (RuntimeException ex) {
			// Keep the heartbeat alive; the next tick tries again.
			logger.error("Presence heartbeat failed", ex);
		}
	}

	private void publishSnapshot(boolean sync) {
		this.lastSnapshotNanos = System.nanoTime();
		List<ClusterWire.Connection> connections = new ArrayList<>(this.local.size());
		for (Local connection : this.local.values()) {
			PresenceLedger.Entry entry = this.ledger.get(connection.session().id());
			if (entry != null) {
				connections.add(describe(connection.session(), entry.rooms));
			}
		}
		ClusterWire.Message snapshot = message(ClusterWire.SNAPSHOT, sync ? Boolean.TRUE : null, connections, null,
				null, null);
		CompletionStage<Void> published = publish(snapshot);
		if (sync && published != null) {
			published.thenRun(() -> this.synced = true);
		}
	}

	/** Says goodbye so that the others forget this node's connections now; called when the context closes. */
	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
		if (this.bus.reachesOtherNodes()) {
			synchronized (this.lock) {
				publish(message(ClusterWire.BYE, null, null, null, null, null));
			}
		}
	}

	private ClusterWire.Message message(String op, Boolean sync, List<ClusterWire.Connection> connections,
			ClusterWire.Connection connection, String connectionId, String room) {
		return new ClusterWire.Message(op, this.instance, this.node, this.startedAt, sync, connections, connection,
				connectionId, room);
	}

	private static ClusterWire.Connection describe(ClientSession session, Set<String> rooms) {
		return new ClusterWire.Connection(session.id(), session.userId(), session.ip(), session.userAgent(),
				session.connectedAt(), session.lastActiveAt(), Set.copyOf(rooms));
	}

	/** Publishes one of this node's presence events (under the lock, which keeps them in order). */
	private CompletionStage<Void> publish(ClusterWire.Message message) {
		if (!this.bus.reachesOtherNodes()) {
			return null;
		}
		BusEvent event = new BusEvent(ClusterWire.KEY, KIND, ClusterWire.write(this.mapper, message), this.instance,
				null);
		CompletionStage<Void> published = this.bus.publish(event);
		published.exceptionally((failure) -> {
			// The next heartbeat's snapshot repairs whatever the others missed.
			logger.debug("Presence event {} not published: {}", message.op(), failure.toString());
			return null;
		});
		return published;
	}

	/** Runs a grace-period expiry under the lock; the ledger's {@link PresenceLedger.Timer}. */
	private Runnable schedule(Duration delay, Runnable task) {
		try {
			ScheduledFuture<?> future = this.scheduler.schedule(() -> {
				synchronized (this.lock) {
					task.run();
				}
			}, delay.toNanos(), TimeUnit.NANOSECONDS);
			return () -> future.cancel(false);
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: departures that would end after this node is gone are the others' to report.
			return () -> {
			};
		}
	}

	/** Returns whether this node publishes the backend's presence events: the oldest node the cluster knows. */
	private boolean isOldest() {
		for (Map.Entry<String, Node> other : this.nodes.entrySet()) {
			int older = other.getValue().startedAt.compareTo(this.startedAt);
			if (older < 0 || (older == 0 && other.getKey().compareTo(this.instance) < 0)) {
				return false;
			}
		}
		return true;
	}

	/** Turns the ledger's arrivals and departures into client frames and backend events. */
	private final class Emitter implements PresenceLedger.Events {

		@Override
		public void userConnected(PresenceLedger.Entry connection) {
			toBackend(CONNECTED_KEY, connection);
		}

		@Override
		public void userDisconnected(PresenceLedger.Entry lastConnection) {
			toBackend(DISCONNECTED_KEY, lastConnection);
		}

		@Override
		public void roomJoined(String room, String userId) {
			toRoom(room, userId, PresenceMessage.JOINED);
		}

		@Override
		public void roomLeft(String room, String userId) {
			toRoom(room, userId, PresenceMessage.LEFT);
		}

		private void toRoom(String room, String userId, String action) {
			Set<ClientSession> watching = ClusterPresence.this.watchers.get(room);
			if (watching == null) {
				return;
			}
			List<ClientSession> targets = new ArrayList<>(watching.size());
			for (ClientSession watcher : watching) {
				// A user is not told about themselves, on any of their devices.
				if (!watcher.userId().equals(userId)) {
					targets.add(watcher);
				}
			}
			if (!targets.isEmpty()) {
				OutboundFrame frame = ClusterPresence.this.codec.encode(new PresenceMessage(room, userId, action));
				targets.forEach((target) -> target.send(frame));
			}
		}

		private void toBackend(String routingKey, PresenceLedger.Entry connection) {
			// Without a broker the event would be serialized on every handshake and then dropped.
			if (!isOldest() || !ClusterPresence.this.bus.reachesBackends()) {
				return;
			}
			String json = ClusterPresence.this.mapper.writeValueAsString(
					new BackendPresence(connection.userId, connection.id, connection.node, Instant.now()));
			ClusterPresence.this.bus.publishToBackend(routingKey, json).exceptionally((failure) -> {
				logger.debug("Presence event {} for user {} lost: {}", routingKey, connection.userId,
						failure.toString());
				return null;
			});
		}

	}

}
