package io.wsgateway.notifications;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.wsgateway.bus.EventBus;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionEvents;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * This node's notification subscribers, by user and in all. The node is bound to
 * {@code notification.user.<userId>} while one of that user's sessions here is
 * subscribed, and to {@code notification.broadcast} while any session here is.
 */
@Component
public class NotificationSubscriptions implements SessionEvents {

	static final String SUBSCRIPTION = "notifications";

	static final String KEY_PREFIX = "notification.";

	static final String USER_PREFIX = KEY_PREFIX + "user.";

	static final String BROADCAST_KEY = KEY_PREFIX + "broadcast";

	private final ConcurrentHashMap<String, Set<ClientSession>> byUser = new ConcurrentHashMap<>();

	private final Set<ClientSession> all = ConcurrentHashMap.newKeySet();

	private final Object broadcastBinding = new Object();

	private final EventBus bus;

	NotificationSubscriptions(EventBus bus) {
		this.bus = bus;
	}

	void subscribe(ClientSession session) {
		if (!session.subscriptions().add(SUBSCRIPTION)) {
			return;
		}
		this.byUser.compute(session.userId(), (user, sessions) -> {
			Set<ClientSession> result = (sessions != null) ? sessions : ConcurrentHashMap.newKeySet();
			if (sessions == null) {
				this.bus.bind(USER_PREFIX + user);
			}
			result.add(session);
			return result;
		});
		synchronized (this.broadcastBinding) {
			if (this.all.isEmpty()) {
				this.bus.bind(BROADCAST_KEY);
			}
			this.all.add(session);
		}
		if (!session.isOpen()) {
			// Closed meanwhile (from another thread): closed() may have missed this subscription.
			unsubscribe(session);
		}
	}

	void unsubscribe(ClientSession session) {
		if (!session.subscriptions().remove(SUBSCRIPTION)) {
			return;
		}
		this.byUser.computeIfPresent(session.userId(), (user, sessions) -> {
			sessions.remove(session);
			if (sessions.isEmpty()) {
				this.bus.unbind(USER_PREFIX + user);
				return null;
			}
			return sessions;
		});
		synchronized (this.broadcastBinding) {
			if (this.all.remove(session) && this.all.isEmpty()) {
				this.bus.unbind(BROADCAST_KEY);
			}
		}
	}

	/** Returns this user's subscribed sessions on this node. */
	Set<ClientSession> subscribers(String userId) {
		Set<ClientSession> sessions = this.byUser.get(userId);
		return (sessions != null) ? Collections.unmodifiableSet(sessions) : Set.of();
	}

	/** Returns every subscribed session on this node. */
	public Set<ClientSession> subscribers() {
		return Collections.unmodifiableSet(this.all);
	}

	@Override
	public void closed(ClientSession session, CloseStatus status) {
		unsubscribe(session);
	}

}
