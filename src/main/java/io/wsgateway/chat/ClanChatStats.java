package io.wsgateway.chat;

import java.util.Map;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.ops.WebSocketStatsContributor;

import org.springframework.stereotype.Component;

/** Adds {@code clan_chat} to the {@code subscriptions} section of {@code /actuator/websocket}. */
@Component
class ClanChatStats implements WebSocketStatsContributor {

	static final int LARGEST = 100;

	private final ChannelHub hub;

	ClanChatStats(ChannelHub hub) {
		this.hub = hub;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void contribute(Map<String, Object> sections) {
		Map<String, Integer> sizes = this.hub.sizes(Channel.CLAN);
		int subscribers = sizes.values().stream().mapToInt(Integer::intValue).sum();
		((Map<String, Object>) sections.get("subscriptions")).put(ClanFamily.SERVICE, Map.of("clans",
				sizes.size(), "subscribers", subscribers, "largest", WebSocketStatsContributor.largest(sizes, LARGEST)));
	}

}
