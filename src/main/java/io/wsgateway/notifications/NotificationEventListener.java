package io.wsgateway.notifications;

import java.time.Instant;
import java.util.UUID;

import io.wsgateway.bus.BackendEventBodies;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusEventListener;
import io.wsgateway.bus.MalformedEventException;
import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.OutboundFrame;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Delivers backend notifications to subscribed sessions on this node:
 * {@code notification.user.<userId>} to that user's, {@code notification.broadcast} to
 * all. The body is a JSON object with {@code title} and/or {@code message} (strings);
 * {@code id} (string or number; generated if absent), {@code data} (any JSON) and
 * {@code createdAt} (defaults to now) are optional.
 */
@Component
class NotificationEventListener implements BusEventListener {

	private final ChannelHub hub;

	private final MessageCodec codec;

	private final GatewayMetrics metrics;

	NotificationEventListener(ChannelHub hub, MessageCodec codec, GatewayMetrics metrics) {
		this.hub = hub;
		this.codec = codec;
		this.metrics = metrics;
	}

	@Override
	public String prefix() {
		return NotificationFamily.KEY_PREFIX;
	}

	@Override
	public int onEvent(BusEvent event) {
		String name = event.routingKey().substring(NotificationFamily.KEY_PREFIX.length());
		boolean known = name.equals(NotificationFamily.BROADCAST) || (name.startsWith(NotificationFamily.USER_PREFIX)
				&& name.length() > NotificationFamily.USER_PREFIX.length());
		if (!known) {
			throw new MalformedEventException("unknown notification routing key");
		}
		OutboundFrame frame = (event instanceof BusEvent.Frame) ? OutboundFrame.of(event.body(), "notification")
				: this.codec.encode(read(event.body()));
		int sent = this.hub.deliver(new Channel(NotificationFamily.NOTIFICATIONS, name), frame, null);
		this.metrics.busDelivered(GatewayMetrics.BusKind.NOTIFICATION);
		return sent;
	}

	Notification read(String body) {
		JsonNode json = BackendEventBodies.parse(this.codec, body);
		if (!json.isObject()) {
			throw new MalformedEventException("body is not a JSON object");
		}
		String title = BackendEventBodies.text(json, "title");
		String message = BackendEventBodies.text(json, "message");
		if (title == null && message == null) {
			throw new MalformedEventException("notification needs a 'title' or a 'message' string");
		}
		JsonNode id = json.get("id");
		String notificationId = (id != null && (id.isString() || id.isNumber())) ? id.asString()
				: UUID.randomUUID().toString();
		String createdAt = BackendEventBodies.text(json, "createdAt");
		return new Notification(notificationId, title, message, json.get("data"),
				(createdAt != null) ? createdAt : Instant.now().toString());
	}

}
