package io.wsgateway.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every connection of the cluster as this node knows it (its own and those the other
 * nodes reported), indexed by user, room and node, and the presence rules on top:
 * <ul>
 * <li>a user is <em>connected</em> while they have a connection on any node, and in a
 * room while one of their connections is a member;</li>
 * <li>when the last one goes, the user is gone only if no connection comes back within
 * the grace period, so a quick reconnect produces no event at all;</li>
 * <li>{@link Events} hears of each arrival and each departure once.</li>
 * </ul>
 * Not thread-safe: {@link ClusterPresence} calls it, and runs its grace timers, under one lock.
 */
final class PresenceLedger {

	/** What the ledger reports; called synchronously from the ledger's methods and timers. */
	interface Events {

		/** Called when a user who had no connection (and was not within the grace period) has one. */
		void userConnected(Entry connection);

		/** Called when a user's last connection closed a grace period ago and none came back. */
		void userDisconnected(Entry lastConnection);

		/** Called when a user who was not in the room (nor within the grace period) joined it. */
		void roomJoined(String room, String userId);

		/** Called when a user's last connection left the room a grace period ago and none came back. */
		void roomLeft(String room, String userId);

	}

	/** Runs grace-period expiries; {@link #schedule} returns what cancels the task. */
	@FunctionalInterface
	interface Timer {

		Runnable schedule(Duration delay, Runnable task);

	}

	/** One connection; {@code rooms} and {@code lastActiveAt} change, the rest is fixed. */
	static final class Entry {

		final String id;

		final String instance;

		final String node;

		final String userId;

		final String ip;

		final String userAgent;

		final Instant connectedAt;

		Instant lastActiveAt;

		final Set<String> rooms = new TreeSet<>();

		Entry(String id, String instance, String node, String userId, String ip, String userAgent, Instant connectedAt,
				Instant lastActiveAt) {
			this.id = id;
			this.instance = instance;
			this.node = node;
			this.userId = userId;
			this.ip = ip;
			this.userAgent = userAgent;
			this.connectedAt = connectedAt;
			this.lastActiveAt = (lastActiveAt != null) ? lastActiveAt : connectedAt;
		}

	}

	/** A connection with its rooms, as a node reports it. */
	record Reported(Entry entry, Collection<String> rooms) {
	}

	private record RoomUser(String room, String userId) {
	}

	private static final class Pending {

		private Runnable cancel;

	}

	private final Duration grace;

	private final Timer timer;

	private final Events events;

	private final Map<String, Entry> byId = new HashMap<>();

	private final Map<String, Set<String>> byInstance = new HashMap<>();

	private final Map<String, Map<String, Entry>> byUser = new HashMap<>();

	// room -> user -> that user's connections in the room
	private final Map<String, Map<String, Set<String>>> byRoom = new HashMap<>();

	// room -> node instance -> its connections in the room: a count that a join can read
	// without walking a room of thousands
	private final Map<String, Map<String, Integer>> roomSizes = new HashMap<>();

	private final Map<String, Pending> leavingUsers = new HashMap<>();

	private final Map<RoomUser, Pending> leavingRooms = new HashMap<>();

	PresenceLedger(Duration grace, Timer timer, Events events) {
		this.grace = grace;
		this.timer = timer;
		this.events = events;
	}

	/** Returns the connection with this id, or {@code null}. */
	Entry get(String id) {
		return this.byId.get(id);
	}

	/** Returns the user's connections on every node. */
	List<Entry> ofUser(String userId) {
		Map<String, Entry> entries = this.byUser.get(userId);
		return (entries != null) ? List.copyOf(entries.values()) : List.of();
	}

	/** Returns the room's members by user (sorted), each with their connections in the room. */
	Map<String, List<Entry>> inRoom(String room) {
		Map<String, List<Entry>> members = new TreeMap<>();
		Map<String, Set<String>> users = this.byRoom.get(room);
		if (users != null) {
			users.forEach((user, ids) -> members.put(user, ids.stream().map(this.byId::get).toList()));
		}
		return members;
	}

	/** Returns how many of the room's member connections belong to node instances other than {@code instance}. */
	int membersElsewhere(String room, String instance) {
		Map<String, Integer> sizes = this.roomSizes.get(room);
		if (sizes == null) {
			return 0;
		}
		int members = 0;
		for (Map.Entry<String, Integer> size : sizes.entrySet()) {
			if (!size.getKey().equals(instance)) {
				members += size.getValue();
			}
		}
		return members;
	}

	/** Returns the connections one node reported. */
	List<Entry> ofInstance(String instance) {
		Set<String> ids = this.byInstance.get(instance);
		return (ids != null) ? ids.stream().map(this.byId::get).toList() : List.of();
	}

	/** Returns whether a departure of this user is waiting out its grace period. */
	boolean isLeaving(String userId) {
		return this.leavingUsers.containsKey(userId);
	}

	/**
	 * Adds a connection with its rooms; an id already known is updated instead.
	 * @param silent record the arrivals without reporting them (state learnt from a
	 * snapshot while this node is starting, which describes users who were already there)
	 */
	void add(Entry entry, Collection<String> rooms, boolean silent) {
		Entry known = this.byId.get(entry.id);
		if (known != null) {
			update(known, rooms, entry.lastActiveAt, silent);
			return;
		}
		this.byId.put(entry.id, entry);
		this.byInstance.computeIfAbsent(entry.instance, (key) -> new HashSet<>()).add(entry.id);
		Map<String, Entry> mine = this.byUser.computeIfAbsent(entry.userId, (key) -> new LinkedHashMap<>());
		mine.put(entry.id, entry);
		if (mine.size() == 1) {
			arrived(this.leavingUsers, entry.userId, silent, () -> this.events.userConnected(entry));
		}
		for (String room : rooms) {
			join(entry, room, silent);
		}
	}

	/** Removes a connection of this node instance and its memberships; unknown ids are ignored. */
	void remove(String instance, String id) {
		Entry entry = this.byId.get(id);
		if (entry == null || !entry.instance.equals(instance)) {
			return;
		}
		for (String room : List.copyOf(entry.rooms)) {
			leave(entry, room);
		}
		this.byId.remove(id);
		this.byInstance.computeIfPresent(instance, (key, ids) -> {
			ids.remove(id);
			return ids.isEmpty() ? null : ids;
		});
		Map<String, Entry> mine = this.byUser.get(entry.userId);
		mine.remove(id);
		if (mine.isEmpty()) {
			this.byUser.remove(entry.userId);
			departed(this.leavingUsers, entry.userId, () -> this.events.userDisconnected(entry));
		}
	}

	/**
	 * Adds a connection of this node instance to a room.
	 * @return whether it was not a member yet
	 */
	boolean join(String instance, String id, String room, boolean silent) {
		Entry entry = this.byId.get(id);
		return entry != null && entry.instance.equals(instance) && join(entry, room, silent);
	}

	/**
	 * Removes a connection of this node instance from a room.
	 * @return whether it was a member
	 */
	boolean leave(String instance, String id, String room) {
		Entry entry = this.byId.get(id);
		return entry != null && entry.instance.equals(instance) && leave(entry, room);
	}

	/**
	 * Makes one node's connections exactly {@code snapshot}: unknown ones are added, known
	 * ones get the snapshot's rooms and activity, missing ones are removed. Additions come
	 * first so that a user who only moved between connections never counts as gone.
	 */
	void replace(String instance, List<Reported> snapshot, boolean silent) {
		Set<String> seen = new HashSet<>();
		for (Reported reported : snapshot) {
			seen.add(reported.entry().id);
			add(reported.entry(), reported.rooms(), silent);
		}
		for (Entry known : new ArrayList<>(ofInstance(instance))) {
			if (!seen.contains(known.id)) {
				remove(instance, known.id);
			}
		}
	}

	private void update(Entry known, Collection<String> rooms, Instant lastActiveAt, boolean silent) {
		if (lastActiveAt != null) {
			known.lastActiveAt = lastActiveAt;
		}
		for (String room : rooms) {
			join(known, room, silent);
		}
		for (String room : List.copyOf(known.rooms)) {
			if (!rooms.contains(room)) {
				leave(known, room);
			}
		}
	}

	private boolean join(Entry entry, String room, boolean silent) {
		if (!entry.rooms.add(room)) {
			return false;
		}
		Set<String> ids = this.byRoom.computeIfAbsent(room, (key) -> new HashMap<>())
			.computeIfAbsent(entry.userId, (key) -> new HashSet<>());
		ids.add(entry.id);
		this.roomSizes.computeIfAbsent(room, (key) -> new HashMap<>()).merge(entry.instance, 1, Integer::sum);
		if (ids.size() == 1) {
			arrived(this.leavingRooms, new RoomUser(room, entry.userId), silent,
					() -> this.events.roomJoined(room, entry.userId));
		}
		return true;
	}

	private boolean leave(Entry entry, String room) {
		if (!entry.rooms.remove(room)) {
			return false;
		}
		Map<String, Set<String>> users = this.byRoom.get(room);
		Set<String> ids = users.get(entry.userId);
		ids.remove(entry.id);
		Map<String, Integer> sizes = this.roomSizes.get(room);
		sizes.computeIfPresent(entry.instance, (key, size) -> (size > 1) ? size - 1 : null);
		if (sizes.isEmpty()) {
			this.roomSizes.remove(room);
		}
		if (ids.isEmpty()) {
			users.remove(entry.userId);
			if (users.isEmpty()) {
				this.byRoom.remove(room);
			}
			departed(this.leavingRooms, new RoomUser(room, entry.userId),
					() -> this.events.roomLeft(room, entry.userId));
		}
		return true;
	}

	private <K> void arrived(Map<K, Pending> leaving, K key, boolean silent, Runnable event) {
		Pending pending = leaving.remove(key);
		if (pending != null) {
			// Back within the grace period: as far as anyone is told, they never left.
			pending.cancel.run();
		}
		else if (!silent) {
			event.run();
		}
	}

	private <K> void departed(Map<K, Pending> leaving, K key, Runnable event) {
		if (this.grace.isZero()) {
			event.run();
			return;
		}
		Pending pending = new Pending();
		Pending previous = leaving.put(key, pending);
		if (previous != null) {
			previous.cancel.run();
		}
		// remove(key, pending) fails if an arrival cancelled this departure after the
		// timer had already fired and was waiting for the lock.
		pending.cancel = this.timer.schedule(this.grace, () -> {
			if (leaving.remove(key, pending)) {
				event.run();
			}
		});
	}

}
