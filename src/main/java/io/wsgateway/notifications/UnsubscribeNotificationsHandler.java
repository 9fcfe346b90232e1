package io.wsgateway.notifications;

import java.util.concurrent.CompletionStage;

import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ProtocolMessages.SubscriptionConfirmed;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;

import org.springframework.stereotype.Component;

/** {@code unsubscribe_notifications} → {@code subscription_confirmed {service: "notifications", status: "unsubscribed"}}. */
@Component
class UnsubscribeNotificationsHandler implements MessageHandler<UnsubscribeNotificationsHandler.Unsubscribe> {

	record Unsubscribe() {
	}

	private final NotificationSubscriptions subscriptions;

	UnsubscribeNotificationsHandler(NotificationSubscriptions subscriptions) {
		this.subscriptions = subscriptions;
	}

	@Override
	public String type() {
		return "unsubscribe_notifications";
	}

	@Override
	public Class<Unsubscribe> messageClass() {
		return Unsubscribe.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, Unsubscribe message) {
		this.subscriptions.unsubscribe(session);
		return MessageHandler.reply(new SubscriptionConfirmed(NotificationSubscriptions.SUBSCRIPTION, null,
				SubscriptionConfirmed.UNSUBSCRIBED));
	}

}
