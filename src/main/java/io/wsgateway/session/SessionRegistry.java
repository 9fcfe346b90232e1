package io.wsgateway.session;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * This node's open connections, by connection id and by user, and the per-user session
 * policy. Thread-safe.
 */
@Component
public class SessionRegistry {

	private static final Logger logger = LoggerFactory.getLogger(SessionRegistry.class);

	private final ConcurrentHashMap<String, ClientSession> byId = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Set<ClientSession>> byUser = new ConcurrentHashMap<>();

	private final SessionsProperties.PerUserPolicy policy;

	private final List<SessionEvents> events;

	private final SessionEvents frameEvents;

	private volatile boolean draining;

	SessionRegistry(SessionsProperties properties, List<SessionEvents> events) {
		this.policy = properties.perUser();
		this.events = List.copyOf(events);
		this.frameEvents = new FrameEvents(this.events);
	}

	/** Returns the open session with this id, or {@code null}. */
	public ClientSession get(String connectionId) {
		return this.byId.get(connectionId);
	}

	/** Returns every open session on this node (a live view). */
	public Collection<ClientSession> all() {
		return Collections.unmodifiableCollection(this.byId.values());
	}

	/** Returns this user's open sessions on this node. */
	public Set<ClientSession> byUser(String userId) {
		Set<ClientSession> sessions = this.byUser.get(userId);
		return (sessions != null) ? Collections.unmodifiableSet(sessions) : Set.of();
	}

	/** Returns the number of open sessions on this node. */
	public int size() {
		return this.byId.size();
	}

	/** Returns the number of distinct users with an open session on this node. */
	public int userCount() {
		return this.byUser.size();
	}

	/** Returns whether this node refuses new connections because it is shutting down. */
	public boolean isDraining() {
		return this.draining;
	}

	/**
	 * Stops admitting connections and closes every open one with 1001 so that clients
	 * reconnect to another node.
	 */
	public void drain() {
		this.draining = true;
		this.byId.values().forEach((session) -> session.close(GatewayCloseStatus.GOING_AWAY));
	}

	/** Returns the listener for per-frame events (received, sent, overflow) and refreshed identities, fanned out to every {@link SessionEvents}. */
	SessionEvents frameEvents() {
		return this.frameEvents;
	}

	/** Admits connections again after {@link #drain()}, when the context is started again. */
	void resume() {
		this.draining = false;
	}

	void register(ClientSession session) {
		this.byId.put(session.id(), session);
		Set<ClientSession> mine = this.byUser.compute(session.userId(), (user, sessions) -> {
			Set<ClientSession> result = (sessions != null) ? sessions : new CopyOnWriteArraySet<>();
			result.add(session);
			return result;
		});
		if (this.policy == SessionsProperties.PerUserPolicy.SINGLE) {
			// The newest by acceptance stays, not the last to register: the older session may
			// register after its client already opened the newer one.
			ClientSession newest = mine.stream().max(Comparator.comparingLong(ClientSession::acceptOrder)).orElseThrow();
			for (ClientSession other : mine) {
				if (other != newest) {
					other.close(GatewayCloseStatus.REPLACED);
				}
			}
		}
		for (SessionEvents listener : this.events) {
			listener.opened(session);
		}
	}

	void unregister(ClientSession session, CloseStatus status) {
		if (this.byId.remove(session.id(), session)) {
			this.byUser.computeIfPresent(session.userId(), (user, sessions) -> {
				sessions.remove(session);
				return sessions.isEmpty() ? null : sessions;
			});
			CloseStatus requested = session.requestedCloseStatus();
			CloseStatus reported = (requested != null) ? requested : status;
			for (SessionEvents listener : this.events) {
				try {
					listener.closed(session, reported);
				}
				catch (RuntimeException ex) {
					logger.error("Session listener failed on close of connection {}", session.id(), ex);
				}
			}
		}
	}

	private record FrameEvents(List<SessionEvents> delegates) implements SessionEvents {

		@Override
		public void frameReceived(ClientSession session, int bytes) {
			for (SessionEvents delegate : this.delegates) {
				delegate.frameReceived(session, bytes);
			}
		}

		@Override
		public void frameSent(ClientSession session, OutboundFrame frame) {
			for (SessionEvents delegate : this.delegates) {
				delegate.frameSent(session, frame);
			}
		}

		@Override
		public void identityChanged(ClientSession session, ClientIdentity previous) {
			for (SessionEvents delegate : this.delegates) {
				delegate.identityChanged(session, previous);
			}
		}

		@Override
		public void sendOverflow(ClientSession session) {
			for (SessionEvents delegate : this.delegates) {
				delegate.sendOverflow(session);
			}
		}

		@Override
		public void pongCoalesced(ClientSession session) {
			for (SessionEvents delegate : this.delegates) {
				delegate.pongCoalesced(session);
			}
		}

	}

}
