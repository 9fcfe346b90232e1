package io.wsgateway.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.wsgateway.NodeIdentity;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusEventListener;
import io.wsgateway.bus.EventBus;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * Cluster-wide presence: which connections, users and room members exist on every node,
 * the {@code presence} events for rooms that asked for them, and the debounced
 * {@code presence.connected} / {@code presence.disconnected} events for backends.
 *
 * <p>Split by job: this class is the front (this node's connection events, the queries,
 * the lock and the heartbeat's thread); {@link NodeDirectory} knows the other nodes and
 * which one is the oldest; {@link PresenceReplication} exchanges changes and snapshots with
 * them over the bus; {@link PresenceLedger} holds every node's connections and derives
 * arrivals and departures; {@link PresenceNotifier} tells them to watchers and backends.
 *
 * <p>How nodes know about each other's connections: each node publishes every change of
 * its own connections (open, close, join, leave) on {@code cluster.presence}, and every
 * {@code node-heartbeat} a full snapshot of them. Every node is bound to that key and keeps
 * the others' connections in its ledger. A snapshot replaces what the sender reported
 * before, so a change lost during a broker outage is repaired by the next heartbeat; a
 * node that has not been heard of for {@code node-timeout} is forgotten, and its
 * connections leave as if they had closed. A node that stops gracefully says {@code bye}
 * and is forgotten at once. A starting node's first snapshot asks the others to answer
 * with theirs, so it knows the cluster within one broker round trip.
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

	/** The tick that expires silent nodes and decides whether a snapshot is due; finer than any heartbeat. */
	private static final Duration MAX_TICK = Duration.ofMillis(250);

	/** One of this node's connections: the session, and the rooms in which it wants {@code presence} events. */
	private record Local(ClientSession session, Set<String> notified) {
	}

	private final Object lock = new Object();

	private final PresenceProperties properties;

	private final String instance;

	private final String node;

	private final ScheduledThreadPoolExecutor scheduler;

	private final Map<String, Local> local = new HashMap<>();

	private final NodeDirectory directory;

	private final PresenceNotifier notifier;

	private final PresenceLedger ledger;

	private final PresenceReplication replication;

	ClusterPresence(EventBus bus, ChannelHub hub, MessageCodec codec, GatewayMetrics metrics, NodeIdentity node,
			PresenceProperties properties) {
		this.properties = properties;
		this.node = node.name();
		this.instance = node.instance();
		this.scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "gateway-presence");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.setRemoveOnCancelPolicy(true);
		Instant startedAt = Instant.now();
		this.directory = new NodeDirectory(this.instance, startedAt, properties.nodeTimeout());
		this.notifier = new PresenceNotifier(codec, bus, hub, this.directory::isOldest);
		this.ledger = new PresenceLedger(properties.gracePeriod(), this::schedule, this.notifier);
		this.replication = new PresenceReplication(bus, codec.mapper(), metrics, properties, this.instance, this.node,
				startedAt, this.ledger, this.directory, this::localSessions);
	}

	// ---- this node's connections ------------------------------------------------------

	/** Called by the session registry when a connection opened on this node. */
	@Override
	public void opened(ClientSession session) {
		synchronized (this.lock) {
			this.local.put(session.id(), new Local(session, new HashSet<>()));
			this.ledger.add(new PresenceLedger.Entry(session.id(), this.instance, this.node, session.userId(),
					session.ip(), session.userAgent(), session.connectedAt(), session.lastActiveAt()), List.of(), false);
			this.replication.opened(session);
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
			connection.notified().forEach((room) -> this.notifier.unwatch(room, session));
			this.ledger.remove(this.instance, session.id());
			this.replication.closed(session.id());
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
					this.notifier.watch(room, session);
				}
			}
			else if (connection.notified().remove(room)) {
				this.notifier.unwatch(room, session);
			}
			if (this.ledger.join(this.instance, session.id(), room, false)) {
				this.replication.joined(session.id(), room);
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
				this.notifier.unwatch(room, session);
			}
			if (this.ledger.leave(this.instance, session.id(), room)) {
				this.replication.left(session.id(), room);
			}
		}
	}

	private Collection<ClientSession> localSessions() {
		List<ClientSession> sessions = new ArrayList<>(this.local.size());
		this.local.values().forEach((connection) -> sessions.add(connection.session()));
		return sessions;
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
			return this.directory.size();
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
		ClusterWire.Message message = this.replication.read(event);
		if (message != null) {
			synchronized (this.lock) {
				this.replication.apply(message);
			}
		}
		return 0;
	}

	/** Binds this node to {@code cluster.presence} and starts the heartbeat; called once at start-up. */
	@Override
	public void afterSingletonsInstantiated() {
		if (!this.replication.enabled()) {
			// One node is the whole cluster: nothing to exchange, only grace timers to run.
			return;
		}
		this.replication.subscribe();
		Duration tick = (this.properties.nodeHeartbeat().compareTo(MAX_TICK) < 0) ? this.properties.nodeHeartbeat()
				: MAX_TICK;
		this.scheduler.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void tick() {
		try {
			synchronized (this.lock) {
				this.replication.tick();
			}
		}
		catch (RuntimeException ex) {
			// Keep the heartbeat alive; the next tick tries again.
			logger.error("Presence heartbeat failed", ex);
		}
	}

	/** Says goodbye so that the others forget this node's connections now; called when the context closes. */
	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
		if (this.replication.enabled()) {
			synchronized (this.lock) {
				this.replication.bye();
			}
		}
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

}
