package io.wsgateway.history;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsgateway.ops.WebSocketStatsContributor;

import org.springframework.stereotype.Component;

/**
 * The {@code history} section of {@code /actuator/websocket}: the store, the channels with
 * history delivered on this node, and the messages stored (for the {@code memory} store all
 * of them; for {@code redis}, those of this node's channels).
 */
@Component
class HistoryStats implements WebSocketStatsContributor {

	private final ChannelHistory history;

	HistoryStats(ChannelHistory history) {
		this.history = history;
	}

	@Override
	public void contribute(Map<String, Object> sections) {
		if (!this.history.properties().enabled()) {
			sections.put("history", Map.of("enabled", false));
			return;
		}
		List<String> channels = this.history.localChannels();
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("enabled", true);
		section.put("channels", channels.size());
		try {
			section.putAll(this.history.store().stats(channels));
		}
		catch (RuntimeException ex) {
			section.put("storeError", ex.toString());
		}
		sections.put("history", section);
	}

}
