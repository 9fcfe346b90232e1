package io.wsgateway.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds one section to {@code /actuator/websocket}. Implemented by the features that hold
 * state the endpoint shows (rooms, subscriptions, upstream routes), so that operations
 * code does not depend on them.
 */
public interface WebSocketStatsContributor {

	/**
	 * Called on every read of the endpoint.
	 * @param sections the endpoint's content; add a section by name, or an entry to an
	 * existing section such as {@code subscriptions}
	 */
	void contribute(Map<String, Object> sections);

	/** Returns at most {@code limit} entries of the largest values, largest first. */
	static Map<String, Integer> largest(Map<String, Integer> sizes, int limit) {
		Map<String, Integer> top = new LinkedHashMap<>();
		sizes.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(limit)
			.forEach((entry) -> top.put(entry.getKey(), entry.getValue()));
		return top;
	}

}
