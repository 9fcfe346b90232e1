package io.wsgateway.hub;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Fan-out settings of every channel family ({@code gateway.rooms.*}: the names date from
 * when only rooms had a parallel fan-out, and stay as they are).
 *
 * @param fanOutThreads threads that deliver one message to a large channel (at least
 * {@value FanOut#PARALLEL_FROM} local members: a room, a clan chat, the notification
 * subscribers, every connection for a global broadcast): the publishing thread and
 * {@code fanOutThreads - 1} helpers, each for a fixed share of the members. 1 delivers on
 * the publishing thread only. Measured on 2 cores: 2 sustains 100,000 deliveries/s to a room
 * of 2,000 where 1 tops out near 88,000 (docs/performance-history.md).
 * @param fanOutBacklog messages that may wait for one helper; when they are that many, the
 * publishing thread waits until the helper has taken one, so that many publishers at once
 * cannot build an ever longer queue in front of it. If the node stops while a publisher
 * waits, the publisher delivers that message itself, so none is dropped.
 */
@ConfigurationProperties("gateway.rooms")
record FanOutProperties(@DefaultValue("2") int fanOutThreads, @DefaultValue("64") int fanOutBacklog) {

	FanOutProperties {
		if (fanOutThreads < 1) {
			throw new IllegalArgumentException("gateway.rooms.fan-out-threads must be at least 1, is " + fanOutThreads);
		}
		if (fanOutBacklog < 1) {
			throw new IllegalArgumentException("gateway.rooms.fan-out-backlog must be at least 1, is " + fanOutBacklog);
		}
	}

}
