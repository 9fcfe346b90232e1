package io.wsgateway.notifications;

import java.util.Map;

import io.wsgateway.ops.WebSocketStatsContributor;

import org.springframework.stereotype.Component;

/** Adds {@code notifications} to the {@code subscriptions} section of {@code /actuator/websocket}. */
@Component
class NotificationStats implements WebSocketStatsContributor {

	private final NotificationSubscriptions subscriptions;

	NotificationStats(NotificationSubscriptions subscriptions) {
		this.subscriptions = subscriptions;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void contribute(Map<String, Object> sections) {
		((Map<String, Object>) sections.get("subscriptions")).put(NotificationSubscriptions.SUBSCRIPTION,
				Map.of("subscribers", this.subscriptions.subscribers().size()));
	}

}
