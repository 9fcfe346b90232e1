package io.wsgateway.rooms;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.wsgateway.bus.EventBus;
import io.wsgateway.history.ChannelHistory;
import io.wsgateway.history.HistoryFamily;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionEvents;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * This node's room memberships. A room exists while it has a local member: the first
 * member binds the node to the room's events, the last one leaving (or disconnecting)
 * unbinds it and frees the room (and its delivery state in the history).
 */
@Component
public class RoomRegistry implements SessionEvents {

	static final String KEY_PREFIX = "room.";

	private final ConcurrentHashMap<String, Set<ClientSession>> rooms = new ConcurrentHashMap<>();

	private final EventBus bus;

	private final ChannelHistory history;

	RoomRegistry(EventBus bus, ChannelHistory history) {
		this.bus = bus;
		this.history = history;
	}

	/** Returns the routing key of a room's events. */
	static String key(String room) {
		return KEY_PREFIX + room;
	}

	/**
	 * Adds the session to the room; joining a room twice is harmless.
	 * @return the room's local member count after the join
	 */
	int join(String room, ClientSession session) {
		Set<ClientSession> members = this.rooms.compute(room, (name, current) -> {
			Set<ClientSession> result = (current != null) ? current : ConcurrentHashMap.newKeySet();
			if (result.add(session) && current == null) {
				this.bus.bind(key(name));
			}
			return result;
		});
		session.rooms().add(room);
		if (!session.isOpen()) {
			// Closed meanwhile (a slow consumer or a timer closes from another thread): the
			// clean-up in closed() may have run before this room was added, so undo the join.
			leave(room, session);
		}
		return members.size();
	}

	/** Removes the session from the room; leaving a room one is not in is harmless. */
	void leave(String room, ClientSession session) {
		session.rooms().remove(room);
		Set<ClientSession> left = this.rooms.computeIfPresent(room, (name, members) -> {
			members.remove(session);
			if (members.isEmpty()) {
				this.bus.unbind(key(name));
				return null;
			}
			return members;
		});
		if (left == null) {
			this.history.forget(HistoryFamily.ROOMS, room);
		}
	}

	/** Returns the room's local members (a live view), empty if the room has none here. */
	public Set<ClientSession> members(String room) {
		Set<ClientSession> members = this.rooms.get(room);
		return (members != null) ? Collections.unmodifiableSet(members) : Set.of();
	}

	/** Returns every room with a local member and its local member count, by name. */
	public Map<String, Integer> sizes() {
		Map<String, Integer> sizes = new TreeMap<>();
		this.rooms.forEach((room, members) -> sizes.put(room, members.size()));
		return sizes;
	}

	@Override
	public void closed(ClientSession session, CloseStatus status) {
		for (String room : Set.copyOf(session.rooms())) {
			leave(room, session);
		}
	}

}
