package io.wsgateway.bus.rabbit;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.amqp.core.MessageProperties;

/**
 * Recognises copies of messages this node has delivered already: a gateway event sent
 * again after its confirm was lost, or any message the broker redelivers after a dropped
 * connection. A gateway node's events arrive in its publish order, copies after their
 * original, so the highest sequence per publishing node instance tells them apart. A
 * backend's message is recognised by its AMQP {@code message_id}, among the last
 * {@code window} ids seen; a message without one cannot be told from a copy and is always
 * delivered. Used by the single consumer thread only.
 */
final class Duplicates {

	// Publishing node instances remembered: far more than a cluster ever has at once.
	private static final int ORIGINS = 1024;

	private final Map<String, Long> lastSequence = lru(ORIGINS);

	private final Map<String, Boolean> backendIds;

	Duplicates(int window) {
		this.backendIds = lru(window);
	}

	/**
	 * Returns whether the message was delivered before, and remembers it if not.
	 * @param origin the publishing node instance, or {@code null} for a backend's message
	 */
	boolean seen(String origin, MessageProperties properties) {
		if (origin != null) {
			Object header = properties.getHeader(BusMessages.SEQUENCE);
			if (!(header instanceof Number number)) {
				return false;
			}
			long sequence = number.longValue();
			Long last = this.lastSequence.get(origin);
			if (last != null && sequence <= last) {
				return true;
			}
			this.lastSequence.put(origin, sequence);
			return false;
		}
		String id = properties.getMessageId();
		return id != null && this.backendIds.put(id, Boolean.TRUE) != null;
	}

	private static <V> Map<String, V> lru(int size) {
		return new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
				return size() > size;
			}

		};
	}

}
