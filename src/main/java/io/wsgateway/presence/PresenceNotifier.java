package io.wsgateway.presence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import io.wsgateway.bus.EventBus;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the ledger's arrivals and departures into {@code presence} frames for this node's
 * connections that watch a room, and into {@code presence.connected} /
 * {@code presence.disconnected} events for backends, published by the oldest node only.
 *
 * <p>Not thread-safe: {@link ClusterPresence} calls it, and the ledger calls its events,
 * under the presence lock.
 */
final class PresenceNotifier implements PresenceLedger.Events {

	private static final Logger logger = LoggerFactory.getLogger(PresenceNotifier.class);

	static final String CONNECTED_KEY = "presence.connected";

	static final String DISCONNECTED_KEY = "presence.disconnected";

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

	// room -> this node's connections that want presence events there: an arrival is told
	// to these, not looked for among all of a room's members, which made every join of a
	// room of n cost O(n) under the lock that every handshake takes too
	private final Map<String, Set<ClientSession>> watchers = new HashMap<>();

	private final MessageCodec codec;

	private final JsonMapper mapper;

	private final EventBus bus;

	private final ChannelHub hub;

	private final BooleanSupplier publishesForBackends;

	/**
	 * @param hub whose fan-out delivers the events to the watchers
	 * @param publishesForBackends whether this node is, right now, the one that publishes
	 * the backend's presence events
	 */
	PresenceNotifier(MessageCodec codec, EventBus bus, ChannelHub hub, BooleanSupplier publishesForBackends) {
		this.codec = codec;
		this.mapper = codec.mapper();
		this.bus = bus;
		this.hub = hub;
		this.publishesForBackends = publishesForBackends;
	}

	/** Starts telling the session about arrivals and departures in the room. */
	void watch(String room, ClientSession session) {
		this.watchers.computeIfAbsent(room, (key) -> new HashSet<>()).add(session);
	}

	/** Stops telling the session about the room. */
	void unwatch(String room, ClientSession session) {
		this.watchers.computeIfPresent(room, (key, sessions) -> {
			sessions.remove(session);
			return sessions.isEmpty() ? null : sessions;
		});
	}

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
		Set<ClientSession> watching = this.watchers.get(room);
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
			this.hub.deliver(targets, this.codec.encode(new PresenceMessage(room, userId, action)), null);
		}
	}

	private void toBackend(String routingKey, PresenceLedger.Entry connection) {
		// Without a broker the event would be serialized on every handshake and then dropped.
		if (!this.publishesForBackends.getAsBoolean() || !this.bus.reachesBackends()) {
			return;
		}
		String json = this.mapper.writeValueAsString(
				new BackendPresence(connection.userId, connection.id, connection.node, Instant.now()));
		this.bus.publishToBackend(routingKey, json).exceptionally((failure) -> {
			logger.debug("Presence event {} for user {} lost: {}", routingKey, connection.userId, failure.toString());
			return null;
		});
	}

}
