package io.wsgateway.chat;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.ProtocolMessages.SubscriptionConfirmed;
import io.wsgateway.session.ClientIdentity;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionEvents;

import org.springframework.stereotype.Component;

/**
 * Who may stay in a clan's chat: a {@code refresh} whose token no longer lists a subscribed
 * clan ends that subscription with a pushed {@code subscription_confirmed}
 * {@code unsubscribed}. Who may join is the {@code subscribe_clan_chat} handler's check.
 */
@Component
class ClanAccess implements SessionEvents {

	private final ChannelHub hub;

	private final MessageCodec codec;

	ClanAccess(ChannelHub hub, MessageCodec codec) {
		this.hub = hub;
		this.codec = codec;
	}

	@Override
	public void identityChanged(ClientSession session, ClientIdentity previous) {
		for (String clanId : this.hub.channelsOf(session, Channel.CLAN)) {
			if (!session.identity().clans().contains(clanId)) {
				this.hub.leave(ClanFamily.clan(clanId), session);
				session.send(this.codec.encode(
						new SubscriptionConfirmed(ClanFamily.SERVICE, clanId, SubscriptionConfirmed.UNSUBSCRIBED)));
			}
		}
	}

}
