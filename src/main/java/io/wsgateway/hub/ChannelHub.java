package io.wsgateway.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.wsgateway.bus.EventBus;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.SessionEvents;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * This node's channels, of every family: which local sessions are in which channel and the
 * other way round, the node's bus binding of a channel while it has a local member, and
 * delivery of one encoded frame to a channel's members through one {@link FanOut}.
 *
 * <p>A channel exists while it has a local member: the first member binds the node to the
 * channel's events ({@link ChannelFamily#bind}), the last one leaving or disconnecting
 * unbinds it. A join that races the session's close is undone, so a closed session never
 * stays in a channel. Joining twice and leaving a channel one is not in are harmless.
 */
@Component
public class ChannelHub implements SessionEvents {

	private final ConcurrentHashMap<Channel, Set<ClientSession>> members = new ConcurrentHashMap<>();

	// Only sessions in at least one channel have an entry: an idle connection costs nothing here.
	private final ConcurrentHashMap<ClientSession, Set<Channel>> channels = new ConcurrentHashMap<>();

	private final EventBus bus;

	private final FanOut fanOut;

	private final List<ChannelListener> listeners;

	ChannelHub(EventBus bus, FanOut fanOut, List<ChannelListener> listeners) {
		this.bus = bus;
		this.fanOut = fanOut;
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Adds the session to the channel, binding the node to the channel's events if it is
	 * the first local member.
	 * @return the channel's local member count after the join
	 */
	public int join(Channel channel, ClientSession session) {
		this.channels.computeIfAbsent(session, (key) -> ConcurrentHashMap.newKeySet()).add(channel);
		Set<ClientSession> joined = this.members.compute(channel, (key, current) -> {
			Set<ClientSession> result = (current != null) ? current : ConcurrentHashMap.newKeySet();
			if (result.add(session) && current == null) {
				key.family().bind(this.bus, key.name());
			}
			return result;
		});
		if (!session.isOpen()) {
			// Closed meanwhile (a slow consumer or a timer closes from another thread): the
			// clean-up in closed() may have run before this channel was added, so undo the join.
			leave(channel, session);
		}
		return joined.size();
	}

	/**
	 * Removes the session from the channel, unbinding the node from the channel's events if
	 * it was the last local member.
	 * @return whether the session was a member
	 */
	public boolean leave(Channel channel, ClientSession session) {
		boolean[] was = new boolean[1];
		this.channels.computeIfPresent(session, (key, joined) -> {
			was[0] = joined.remove(channel);
			return joined.isEmpty() ? null : joined;
		});
		boolean[] closed = new boolean[1];
		this.members.computeIfPresent(channel, (key, current) -> {
			current.remove(session);
			if (current.isEmpty()) {
				key.family().unbind(this.bus, key.name());
				closed[0] = true;
				return null;
			}
			return current;
		});
		if (closed[0]) {
			this.listeners.forEach((listener) -> listener.channelClosed(channel));
		}
		return was[0];
	}

	/** Returns whether the session is in the channel. */
	public boolean isMember(Channel channel, ClientSession session) {
		Set<Channel> joined = this.channels.get(session);
		return joined != null && joined.contains(channel);
	}

	/** Returns whether the session is in the channel of that family and name. */
	public boolean isMember(ClientSession session, String familyId, String name) {
		Set<Channel> joined = this.channels.get(session);
		if (joined != null) {
			for (Channel channel : joined) {
				if (channel.is(familyId) && channel.name().equals(name)) {
					return true;
				}
			}
		}
		return false;
	}

	/** Returns the channel's local members (a live view), empty if it has none here. */
	public Set<ClientSession> members(Channel channel) {
		Set<ClientSession> current = this.members.get(channel);
		return (current != null) ? Collections.unmodifiableSet(current) : Set.of();
	}

	/** Returns the session's channels of one family, by name. */
	public List<String> channelsOf(ClientSession session, String familyId) {
		Set<Channel> joined = this.channels.get(session);
		if (joined == null) {
			return List.of();
		}
		List<String> names = new ArrayList<>();
		for (Channel channel : joined) {
			if (channel.is(familyId)) {
				names.add(channel.name());
			}
		}
		return names;
	}

	/** Returns the session's channels that show as {@code status} subscriptions, as they show there. */
	public List<String> subscriptionsOf(ClientSession session) {
		Set<Channel> joined = this.channels.get(session);
		if (joined == null) {
			return List.of();
		}
		List<String> subscriptions = new ArrayList<>();
		for (Channel channel : joined) {
			String subscription = channel.family().subscription(channel.name());
			if (subscription != null) {
				subscriptions.add(subscription);
			}
		}
		return subscriptions;
	}

	/** Returns every channel of the family with a local member, and its local member count, by name. */
	public Map<String, Integer> sizes(String familyId) {
		Map<String, Integer> sizes = new TreeMap<>();
		this.members.forEach((channel, current) -> {
			if (channel.is(familyId)) {
				sizes.put(channel.name(), current.size());
			}
		});
		return sizes;
	}

	/**
	 * Sends one encoded frame to the channel's local members except the connection
	 * {@code excluded} ({@code null} for none), without blocking on any of them; what one
	 * thread delivers to a channel reaches each member in the order it was delivered.
	 * @return the channel's local member count
	 */
	public int deliver(Channel channel, OutboundFrame frame, String excluded) {
		Collection<ClientSession> current = members(channel);
		this.fanOut.deliver(current, frame, excluded);
		return current.size();
	}

	/**
	 * Sends one encoded frame to the given sessions except the connection {@code excluded}
	 * ({@code null} for none), as {@link #deliver(Channel, OutboundFrame, String)} does: for
	 * a global broadcast, whose audience is every session of the node, and for a history's
	 * delivery in offset order, which picks the members itself.
	 * @return the number of sessions
	 */
	public int deliver(Collection<ClientSession> sessions, OutboundFrame frame, String excluded) {
		this.fanOut.deliver(sessions, frame, excluded);
		return sessions.size();
	}

	/** Takes the closed session out of every channel it was in. */
	@Override
	public void closed(ClientSession session, CloseStatus status) {
		Set<Channel> joined = this.channels.get(session);
		if (joined != null) {
			for (Channel channel : List.copyOf(joined)) {
				leave(channel, session);
			}
		}
	}

}
