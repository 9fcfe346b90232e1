package io.wsgateway.presence;

import java.time.Instant;

import io.wsgateway.NodeProperties;
import io.wsgateway.bus.EventBus;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * Tells backends about every connection that opens or closes on this node, on
 * {@code presence.connected} and {@code presence.disconnected}
 * {@code {userId, connectionId, node, timestamp}}. Best effort: a broker outage loses
 * these events rather than delaying connections.
 */
@Component
class ConnectionPresencePublisher implements SessionEvents {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionPresencePublisher.class);

	record PresenceEvent(String userId, String connectionId, String node, Instant timestamp) {
	}

	private final EventBus bus;

	private final MessageCodec codec;

	private final String node;

	ConnectionPresencePublisher(EventBus bus, MessageCodec codec, NodeProperties node) {
		this.bus = bus;
		this.codec = codec;
		this.node = node.nodeId();
	}

	@Override
	public void opened(ClientSession session) {
		publish("presence.connected", session);
	}

	@Override
	public void closed(ClientSession session, CloseStatus status) {
		publish("presence.disconnected", session);
	}

	private void publish(String routingKey, ClientSession session) {
		String json = this.codec.mapper()
			.writeValueAsString(new PresenceEvent(session.userId(), session.id(), this.node, Instant.now()));
		this.bus.publishToBackend(routingKey, json).exceptionally((failure) -> {
			logger.debug("Presence event {} for connection {} lost: {}", routingKey, session.id(), failure.toString());
			return null;
		});
	}

}
