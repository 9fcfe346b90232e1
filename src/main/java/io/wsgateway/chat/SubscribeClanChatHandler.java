package io.wsgateway.chat;

import java.util.concurrent.CompletionStage;

import io.wsgateway.hub.ChannelHub;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ProtocolMessages.SubscriptionConfirmed;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.stereotype.Component;

/**
 * {@code subscribe_clan_chat {clanId}} → {@code subscription_confirmed}; {@code forbidden}
 * unless the clan is in the token's {@code clans} claim.
 */
@Component
class SubscribeClanChatHandler implements MessageHandler<SubscribeClanChatHandler.SubscribeClanChat> {

	record SubscribeClanChat(@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
			message = Identifiers.MESSAGE) String clanId) {
	}

	private final ChannelHub hub;

	SubscribeClanChatHandler(ChannelHub hub) {
		this.hub = hub;
	}

	@Override
	public String type() {
		return "subscribe_clan_chat";
	}

	@Override
	public Class<SubscribeClanChat> messageClass() {
		return SubscribeClanChat.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, SubscribeClanChat message) {
		if (!session.identity().clans().contains(message.clanId())) {
			throw new GatewayException(ErrorCode.FORBIDDEN, "not a member of clan '" + message.clanId() + "'");
		}
		this.hub.join(ClanFamily.clan(message.clanId()), session);
		return MessageHandler.reply(new SubscriptionConfirmed(ClanFamily.SERVICE, message.clanId(),
				SubscriptionConfirmed.SUBSCRIBED));
	}

}
