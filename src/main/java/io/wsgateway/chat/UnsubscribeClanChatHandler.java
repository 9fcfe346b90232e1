package io.wsgateway.chat;

import java.util.concurrent.CompletionStage;

import io.wsgateway.hub.ChannelHub;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ProtocolMessages.SubscriptionConfirmed;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.stereotype.Component;

/** {@code unsubscribe_clan_chat {clanId}} → {@code subscription_confirmed}, also when not subscribed. */
@Component
class UnsubscribeClanChatHandler implements MessageHandler<UnsubscribeClanChatHandler.UnsubscribeClanChat> {

	record UnsubscribeClanChat(@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
			message = Identifiers.MESSAGE) String clanId) {
	}

	private final ChannelHub hub;

	UnsubscribeClanChatHandler(ChannelHub hub) {
		this.hub = hub;
	}

	@Override
	public String type() {
		return "unsubscribe_clan_chat";
	}

	@Override
	public Class<UnsubscribeClanChat> messageClass() {
		return UnsubscribeClanChat.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, UnsubscribeClanChat message) {
		this.hub.leave(ClanFamily.clan(message.clanId()), session);
		return MessageHandler.reply(new SubscriptionConfirmed(ClanFamily.SERVICE, message.clanId(),
				SubscriptionConfirmed.UNSUBSCRIBED));
	}

}
