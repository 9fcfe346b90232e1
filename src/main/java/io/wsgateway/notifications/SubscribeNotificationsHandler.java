package io.wsgateway.notifications;

import java.util.concurrent.CompletionStage;

import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ProtocolMessages.SubscriptionConfirmed;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;

import org.springframework.stereotype.Component;

/** {@code subscribe_notifications} → {@code subscription_confirmed {service: "notifications", status: "subscribed"}}. */
@Component
class SubscribeNotificationsHandler implements MessageHandler<SubscribeNotificationsHandler.Subscribe> {

	record Subscribe() {
	}

	private final NotificationSubscriptions subscriptions;

	SubscribeNotificationsHandler(NotificationSubscriptions subscriptions) {
		this.subscriptions = subscriptions;
	}

	@Override
	public String type() {
		return "subscribe_notifications";
	}

	@Override
	public Class<Subscribe> messageClass() {
		return Subscribe.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, Subscribe message) {
		this.subscriptions.subscribe(session);
		return MessageHandler.reply(new SubscriptionConfirmed(NotificationSubscriptions.SUBSCRIPTION, null,
				SubscriptionConfirmed.SUBSCRIBED));
	}

}
