package io.wsgateway.notifications;

import java.util.Set;

import io.wsgateway.hub.ChannelHub;
import io.wsgateway.session.ClientSession;

import org.springframework.stereotype.Component;

/**
 * What a notification subscription is: membership of the user's own channel and of the
 * channel of every subscriber ({@link NotificationFamily}), joined and left together.
 */
@Component
public class NotificationSubscriptions {

	static final String SUBSCRIPTION = "notifications";

	private final ChannelHub hub;

	NotificationSubscriptions(ChannelHub hub) {
		this.hub = hub;
	}

	/** Subscribes the session; subscribing twice is harmless. */
	void subscribe(ClientSession session) {
		this.hub.join(NotificationFamily.user(session.userId()), session);
		this.hub.join(NotificationFamily.EVERYONE, session);
	}

	/** Ends the session's subscription, if it has one. */
	void unsubscribe(ClientSession session) {
		this.hub.leave(NotificationFamily.user(session.userId()), session);
		this.hub.leave(NotificationFamily.EVERYONE, session);
	}

	/** Returns every subscribed session on this node. */
	public Set<ClientSession> subscribers() {
		return this.hub.members(NotificationFamily.EVERYONE);
	}

}
