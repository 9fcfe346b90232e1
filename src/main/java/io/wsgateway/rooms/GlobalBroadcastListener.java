package io.wsgateway.rooms;

import java.time.Instant;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusEventListener;
import io.wsgateway.bus.EventBus;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.OutboundFrame;
import io.wsgateway.session.SessionRegistry;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Delivers {@code broadcast.all} events to every connection on this node as
 * {@code broadcast}. Every node is bound to the key from start-up. A backend's body is
 * read as a {@link BackendRoomBody}.
 */
@Component
class GlobalBroadcastListener implements BusEventListener, SmartInitializingSingleton {

	static final String KEY = "broadcast.all";

	private final SessionRegistry sessions;

	private final ChannelHub hub;

	private final MessageCodec codec;

	private final GatewayMetrics metrics;

	private final EventBus bus;

	GlobalBroadcastListener(SessionRegistry sessions, ChannelHub hub, MessageCodec codec, GatewayMetrics metrics,
			EventBus bus) {
		this.sessions = sessions;
		this.hub = hub;
		this.bus = bus;
		this.codec = codec;
		this.metrics = metrics;
	}

	@Override
	public String prefix() {
		return KEY;
	}

	@Override
	public int onEvent(BusEvent event) {
		OutboundFrame frame = (event instanceof BusEvent.Frame) ? OutboundFrame.of(event.body(), "broadcast")
				: this.codec.encode(fromBackend(event.body()));
		int sent = this.hub.deliver(this.sessions.all(), frame, null);
		this.metrics.busDelivered(GatewayMetrics.BusKind.ROOM);
		return sent;
	}

	private RoomMessages.Broadcast fromBackend(String body) {
		BackendRoomBody read = BackendRoomBody.read(this.codec, body);
		return new RoomMessages.Broadcast(read.from(), read.payload(), Instant.now());
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.bus.bind(KEY);
	}

}
