package io.wsgateway.chat;

import java.time.Instant;
import java.util.Collection;
import java.util.UUID;
import java.util.regex.Pattern;

import io.wsgateway.bus.BackendEventBodies;
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
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Delivers {@code chat.clan.<clanId>} events to the clan's subscribers on this node: a
 * gateway's {@code chat} and {@code typing} frames skip the sending connection; a
 * backend's system message {@code {"content": "…"}} (with optional {@code messageId},
 * {@code userId} (default {@code system}), {@code messageType} (default {@code TEXT}))
 * reaches everyone as {@code chat}.
 */
@Component
class ClanEventListener implements BusEventListener {

	private static final Pattern CLAN = Pattern.compile(Identifiers.PATTERN);

	static final String SYSTEM_USER = "system";

	private final ChannelHub hub;

	private final MessageCodec codec;

	private final GatewayMetrics metrics;

	private final ChannelHistory history;

	ClanEventListener(ChannelHub hub, MessageCodec codec, GatewayMetrics metrics, ChannelHistory history) {
		this.hub = hub;
		this.codec = codec;
		this.metrics = metrics;
		this.history = history;
	}

	@Override
	public String prefix() {
		return ClanFamily.KEY_PREFIX;
	}

	@Override
	public int onEvent(BusEvent event) {
		String clanId = event.routingKey().substring(ClanFamily.KEY_PREFIX.length());
		if (!CLAN.matcher(clanId).matches()) {
			throw new MalformedEventException("invalid clan id");
		}
		boolean typing = event instanceof BusEvent.Frame gateway && "typing".equals(gateway.kind());
		OutboundFrame frame = (event instanceof BusEvent.Frame)
				? OutboundFrame.of(event.body(), typing ? "typing" : "chat")
				: this.codec.encode(fromBackend(clanId, event.body()));
		Channel channel = ClanFamily.clan(clanId);
		int sent;
		if (!typing && this.history.enabled(HistoryFamily.CLANS)) {
			sent = this.history.deliver(HistoryFamily.CLANS, clanId, event, frame, this.hub.members(channel),
					this.hub::deliver);
		}
		else {
			sent = this.hub.deliver(channel, frame, event.excludeConnection());
		}
		this.metrics.busDelivered(typing ? GatewayMetrics.BusKind.TYPING : GatewayMetrics.BusKind.CHAT);
		return sent;
	}

	private ChatMessages.Chat fromBackend(String clanId, String body) {
		JsonNode json = BackendEventBodies.parse(this.codec, body);
		String content = BackendEventBodies.text(json, "content");
		if (!json.isObject() || content == null) {
			throw new MalformedEventException("chat event needs a 'content' string");
		}
		String messageId = BackendEventBodies.text(json, "messageId");
		String userId = BackendEventBodies.text(json, "userId");
		String messageType = BackendEventBodies.text(json, "messageType");
		return new ChatMessages.Chat((messageId != null) ? messageId : UUID.randomUUID().toString(), clanId,
				(userId != null) ? userId : SYSTEM_USER, content,
				(messageType != null) ? messageType : ChatHandler.DEFAULT_MESSAGE_TYPE, Instant.now());
	}

}
