package io.wsgateway.notifications;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelFamily;

/**
 * Notifications as channels of the hub: {@code user.<userId>} for one user's, bound to
 * {@code notification.user.<userId>}, and {@code broadcast} for everyone's, bound to
 * {@code notification.broadcast}. A subscribed session is in both; it shows in
 * {@code status} as {@code notifications}, once.
 */
final class NotificationFamily implements ChannelFamily {

	static final NotificationFamily NOTIFICATIONS = new NotificationFamily();

	static final String KEY_PREFIX = "notification.";

	static final String USER_PREFIX = "user.";

	static final String BROADCAST = "broadcast";

	/** The channel of every subscriber. */
	static final Channel EVERYONE = new Channel(NOTIFICATIONS, BROADCAST);

	private NotificationFamily() {
	}

	/** Returns the channel of one user's notifications. */
	static Channel user(String userId) {
		return new Channel(NOTIFICATIONS, USER_PREFIX + userId);
	}

	@Override
	public String id() {
		return "notifications";
	}

	@Override
	public String keyPrefix() {
		return KEY_PREFIX;
	}

	@Override
	public String subscription(String name) {
		return BROADCAST.equals(name) ? NotificationSubscriptions.SUBSCRIPTION : null;
	}

}
