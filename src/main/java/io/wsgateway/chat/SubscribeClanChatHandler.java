package io.wsgateway.chat;

import java.util.concurrent.CompletionStage;

import io.wsgateway.history.HistoryFamily;
import io.wsgateway.history.Recover;
import io.wsgateway.history.Recoveries;
import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.FollowedReply;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ProtocolMessages.SubscriptionConfirmed;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * {@code subscribe_clan_chat {clanId}} → {@code subscription_confirmed}; {@code forbidden}
 * unless the clan is in the token's {@code clans} claim. When clan chats keep history the
 * reply carries the chat's {@code offset} and {@code epoch}, and {@code recover {offset,
 * epoch}} replays what the connection missed right after it ({@link Recoveries}).
 */
@Component
class SubscribeClanChatHandler implements MessageHandler<SubscribeClanChatHandler.SubscribeClanChat> {

	record SubscribeClanChat(@NotNull(message = "is required") @Pattern(regexp = Identifiers.PATTERN,
			message = Identifiers.MESSAGE) String clanId, JsonNode recover) {
	}

	private final ChannelHub hub;

	private final Recoveries recoveries;

	SubscribeClanChatHandler(ChannelHub hub, Recoveries recoveries) {
		this.hub = hub;
		this.recoveries = recoveries;
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
		Channel clan = ClanFamily.clan(message.clanId());
		Recover recover = Recover.of(message.recover());
		Recoveries.Joined joined = this.recoveries.join(HistoryFamily.CLANS, message.clanId(), session, recover,
				() -> this.hub.join(clan, session), () -> this.hub.leave(clan, session));
		SubscriptionConfirmed confirmed = new SubscriptionConfirmed(ClanFamily.SERVICE, message.clanId(),
				SubscriptionConfirmed.SUBSCRIBED, joined.offset(), joined.epoch(), joined.recovered());
		return MessageHandler.reply(new FollowedReply(confirmed, joined.afterReply()));
	}

}
