package io.wsgateway.rooms;

import java.util.Map;

import io.wsgateway.ops.WebSocketStatsContributor;

import org.springframework.stereotype.Component;

/** The {@code rooms} section of {@code /actuator/websocket}: room count and the largest rooms' local members. */
@Component
class RoomStats implements WebSocketStatsContributor {

	static final int LARGEST = 100;

	private final RoomRegistry rooms;

	RoomStats(RoomRegistry rooms) {
		this.rooms = rooms;
	}

	@Override
	public void contribute(Map<String, Object> sections) {
		Map<String, Integer> sizes = this.rooms.sizes();
		sections.put("rooms", Map.of("count", sizes.size(), "members", WebSocketStatsContributor.largest(sizes, LARGEST)));
	}

}
