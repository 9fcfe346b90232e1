package io.wsgateway.presence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.EventBus;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Replicates presence between nodes over {@code cluster.presence}: publishes every change
 * of this node's connections and, every {@code node-heartbeat}, a snapshot of all of them;
 * applies the other nodes' events to the {@link PresenceLedger} and the
 * {@link NodeDirectory}; forgets nodes that said goodbye or went silent.
 *
 * <p>Not thread-safe: {@link ClusterPresence} calls it under its lock, which is also held
 * while this node publishes, so that the others apply this node's changes in the order
 * they happened and a snapshot never overtakes a change made before it.
 */
final class PresenceReplication {

	private static final Logger logger = LoggerFactory.getLogger(PresenceReplication.class);

	private static final String KIND = "presence";

	private final EventBus bus;

	private final JsonMapper mapper;

	private final GatewayMetrics metrics;

	private final PresenceProperties properties;

	private final String instance;

	private final String node;

	private final Instant startedAt;

	private final PresenceLedger ledger;

	private final NodeDirectory directory;

	private final Supplier<Collection<ClientSession>> localSessions;

	private long lastSnapshotNanos;

	private volatile boolean synced;

	/**
	 * @param instance this process's id, unique even where two nodes share a node id
	 * @param localSessions this node's open connections, read under the lock for snapshots
	 */
	PresenceReplication(EventBus bus, JsonMapper mapper, GatewayMetrics metrics, PresenceProperties properties,
			String instance, String node, Instant startedAt, PresenceLedger ledger, NodeDirectory directory,
			Supplier<Collection<ClientSession>> localSessions) {
		this.bus = bus;
		this.mapper = mapper;
		this.metrics = metrics;
		this.properties = properties;
		this.instance = instance;
		this.node = node;
		this.startedAt = startedAt;
		this.ledger = ledger;
		this.directory = directory;
		this.localSessions = localSessions;
	}

	/** Returns whether there are other nodes to replicate with: {@code false} on the in-process bus. */
	boolean enabled() {
		return this.bus.reachesOtherNodes();
	}

	/** Binds this node to {@code cluster.presence}; called once at start-up. */
	void subscribe() {
		this.bus.bind(ClusterWire.KEY);
	}

	// ---- this node's changes ------------------------------------------------------------

	void opened(ClientSession session) {
		publish(message(ClusterWire.OPEN, null, null, describe(session, Set.of()), null, null));
	}

	void closed(String connectionId) {
		publish(message(ClusterWire.CLOSE, null, null, null, connectionId, null));
	}

	void joined(String connectionId, String room) {
		publish(message(ClusterWire.JOIN, null, null, null, connectionId, room));
	}

	void left(String connectionId, String room) {
		publish(message(ClusterWire.LEAVE, null, null, null, connectionId, room));
	}

	/** Says goodbye, so that the others forget this node's connections at once. */
	void bye() {
		publish(message(ClusterWire.BYE, null, null, null, null, null));
	}

	// ---- the other nodes' events --------------------------------------------------------

	/**
	 * Reads another node's presence event, or returns {@code null} for one of this node's
	 * own; safe to call without the lock.
	 */
	ClusterWire.Message read(BusEvent event) {
		if (this.instance.equals(event.origin())) {
			return null;
		}
		ClusterWire.Message message = ClusterWire.read(this.mapper, event.body());
		if (this.instance.equals(message.instance())) {
			return null;
		}
		this.metrics.busDelivered(GatewayMetrics.BusKind.PRESENCE);
		return message;
	}

	/** Applies another node's event to the ledger and the directory. */
	void apply(ClusterWire.Message message) {
		String sender = message.instance();
		if (ClusterWire.BYE.equals(message.op())) {
			if (this.directory.knows(sender)) {
				forget(sender, "it stopped");
			}
			return;
		}
		if (this.directory.heard(sender, message.node(), message.startedAt())) {
			logger.info("Presence: node {} ({}) joined the cluster view", message.node(), sender);
		}
		switch (message.op()) {
			case ClusterWire.SNAPSHOT -> {
				List<PresenceLedger.Reported> snapshot = new ArrayList<>(message.connections().size());
				for (ClusterWire.Connection connection : message.connections()) {
					snapshot.add(new PresenceLedger.Reported(entry(message, connection), rooms(connection)));
				}
				// While this node starts, snapshots describe users who were there before it:
				// recording them as arrivals would announce every one of them as "joined".
				this.ledger.replace(sender, snapshot, this.directory.isStarting());
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

	/**
	 * Forgets the nodes silent for longer than {@code node-timeout} and publishes a snapshot
	 * when one is due; called on every tick of the heartbeat.
	 */
	void tick() {
		for (String sender : this.directory.silent()) {
			logger.warn("Presence: node {} ({}) silent for more than {}; dropping its connections",
					this.directory.name(sender), sender, this.properties.nodeTimeout());
			forget(sender, "timed out");
		}
		// Until a snapshot asking for everyone's has gone out, retry it on every tick:
		// the broker connection may not be up yet when the node starts.
		if (!this.synced || System.nanoTime() - this.lastSnapshotNanos >= this.properties.nodeHeartbeat().toNanos()) {
			publishSnapshot(!this.synced);
		}
	}

	private void forget(String sender, String why) {
		String name = this.directory.forget(sender);
		List<PresenceLedger.Entry> connections = this.ledger.ofInstance(sender);
		this.ledger.replace(sender, List.of(), false);
		logger.info("Presence: forgot node {} ({}) and its {} connection(s): {}", name, sender, connections.size(),
				why);
	}

	private PresenceLedger.Entry entry(ClusterWire.Message message, ClusterWire.Connection connection) {
		return new PresenceLedger.Entry(connection.id(), message.instance(), message.node(), connection.userId(),
				connection.ip(), connection.userAgent(), connection.connectedAt(), connection.lastActiveAt());
	}

	private static Set<String> rooms(ClusterWire.Connection connection) {
		return (connection.rooms() != null) ? connection.rooms() : Set.of();
	}

	// ---- publishing ---------------------------------------------------------------------

	private void publishSnapshot(boolean sync) {
		this.lastSnapshotNanos = System.nanoTime();
		Collection<ClientSession> sessions = this.localSessions.get();
		List<ClusterWire.Connection> connections = new ArrayList<>(sessions.size());
		for (ClientSession session : sessions) {
			PresenceLedger.Entry entry = this.ledger.get(session.id());
			if (entry != null) {
				connections.add(describe(session, entry.rooms));
			}
		}
		CompletionStage<Void> published = publish(
				message(ClusterWire.SNAPSHOT, sync ? Boolean.TRUE : null, connections, null, null, null));
		if (sync && published != null) {
			published.thenRun(() -> this.synced = true);
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

	private CompletionStage<Void> publish(ClusterWire.Message message) {
		if (!enabled()) {
			return null;
		}
		BusEvent.Frame event = new BusEvent.Frame(ClusterWire.KEY, KIND, ClusterWire.write(this.mapper, message),
				this.instance, null);
		CompletionStage<Void> published = this.bus.publish(event);
		published.exceptionally((failure) -> {
			// The next heartbeat's snapshot repairs whatever the others missed.
			logger.debug("Presence event {} not published: {}", message.op(), failure.toString());
			return null;
		});
		return published;
	}

}
