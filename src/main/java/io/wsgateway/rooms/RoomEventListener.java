package io.wsgateway.rooms;

import java.time.Instant;
import java.util.regex.Pattern;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusEventListener;
import io.wsgateway.bus.MalformedEventException;
import io.wsgateway.history.ChannelHistory;
import io.wsgateway.history.HistoryFamily;
import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.OutboundFrame;

import org.springframework.stereotype.Component;

/**
 * Delivers {@code room.<room>} events to the room's members on this node as
 * {@code room_message}, one encoded frame for all of them. A gateway's event skips the
 * sending connection. A backend's body is {@code {"payload": …, "from": "…"}} ({@code from}
 * defaults to {@code system}); a body without {@code payload} is the payload itself. When
 * rooms keep history, delivery goes through {@link ChannelHistory}: in offset order, once,
 * gaps filled.
 */
@Component
class RoomEventListener implements BusEventListener {

	private static final Pattern ROOM = Pattern.compile(Identifiers.PATTERN);

	private final ChannelHub hub;

	private final MessageCodec codec;

	private final GatewayMetrics metrics;

	private final ChannelHistory history;

	RoomEventListener(ChannelHub hub, MessageCodec codec, GatewayMetrics metrics, ChannelHistory history) {
		this.hub = hub;
		this.codec = codec;
		this.metrics = metrics;
		this.history = history;
	}

	@Override
	public String prefix() {
		return RoomFamily.KEY_PREFIX;
	}

	@Override
	public int onEvent(BusEvent event) {
		String room = event.routingKey().substring(RoomFamily.KEY_PREFIX.length());
		if (!ROOM.matcher(room).matches()) {
			throw new MalformedEventException("invalid room name");
		}
		OutboundFrame frame = (event instanceof BusEvent.Frame) ? OutboundFrame.of(event.body(), "room_message")
				: this.codec.encode(fromBackend(room, event.body()));
		Channel channel = RoomFamily.room(room);
		int addressed;
		if (this.history.enabled(HistoryFamily.ROOMS)) {
			addressed = this.history.deliver(HistoryFamily.ROOMS, room, event, frame, this.hub.members(channel),
					this.hub::deliver);
		}
		else {
			addressed = this.hub.deliver(channel, frame, event.excludeConnection());
		}
		this.metrics.busDelivered(GatewayMetrics.BusKind.ROOM);
		return addressed;
	}

	private RoomMessages.RoomMessage fromBackend(String room, String body) {
		BackendRoomBody read = BackendRoomBody.read(this.codec, body);
		return new RoomMessages.RoomMessage(room, read.from(), read.payload(), Instant.now());
	}

}
