package io.wsgateway.echo;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.wsgateway.NodeProperties;
import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;

import org.springframework.stereotype.Component;

/**
 * {@code status} → the connection as the gateway sees it: ids, rooms, subscriptions (such
 * as {@code notifications} and {@code clan_chat:<clanId>}), when it connected, and the node.
 */
@Component
class StatusHandler implements MessageHandler<StatusHandler.StatusRequest> {

	record StatusRequest() {
	}

	record Status(String connectionId, String userId, List<String> rooms, List<String> subscriptions,
			Instant connectedAt, String node) implements ServerMessage {

		@Override
		public String type() {
			return "status";
		}

	}

	private final ChannelHub hub;

	private final String node;

	StatusHandler(ChannelHub hub, NodeProperties node) {
		this.hub = hub;
		this.node = node.nodeId();
	}

	@Override
	public String type() {
		return "status";
	}

	@Override
	public Class<StatusRequest> messageClass() {
		return StatusRequest.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, StatusRequest message) {
		return MessageHandler.reply(new Status(session.id(), session.userId(),
				this.hub.channelsOf(session, Channel.ROOM).stream().sorted().toList(),
				this.hub.subscriptionsOf(session).stream().sorted().toList(), session.connectedAt(), this.node));
	}

}
