package io.wsgateway.rooms;

import java.util.Map;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.ops.WebSocketStatsContributor;

import org.springframework.stereotype.Component;

/** The {@code rooms} section of {@code /actuator/websocket}: room count and the largest rooms' local members. */
@Component
class RoomStats implements WebSocketStatsContributor {

	static final int LARGEST = 100;

	private final ChannelHub hub;

	RoomStats(ChannelHub hub) {
		this.hub = hub;
	}

	@Override
	public void contribute(Map<String, Object> sections) {
		Map<String, Integer> sizes = this.hub.sizes(Channel.ROOM);
		sections.put("rooms", Map.of("count", sizes.size(), "members", WebSocketStatsContributor.largest(sizes, LARGEST)));
	}

}
