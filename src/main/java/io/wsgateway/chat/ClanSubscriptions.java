package io.wsgateway.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.wsgateway.bus.EventBus;
import io.wsgateway.history.ChannelHistory;
import io.wsgateway.history.HistoryFamily;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.ProtocolMessages.SubscriptionConfirmed;
import io.wsgateway.session.ClientIdentity;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionEvents;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * This node's clan chat subscribers by clan. While a session here is subscribed to a clan,
 * the node is bound to {@code chat.clan.<clanId>} (backends' messages) and to
 * {@code chat.message.<clanId>} on the client exchange (members' chats, which backends get
 * in the same message). A {@code refresh} whose token no longer lists a subscribed clan ends
 * that subscription with a pushed {@code subscription_confirmed} {@code unsubscribed}.
 */
@Component
public class ClanSubscriptions implements SessionEvents {

	static final String SERVICE = "clan_chat";

	static final String KEY_PREFIX = "chat.clan.";

	private final ConcurrentHashMap<String, Set<ClientSession>> byClan = new ConcurrentHashMap<>();

	private final EventBus bus;

	private final MessageCodec codec;

	private final ChannelHistory history;

	ClanSubscriptions(EventBus bus, MessageCodec codec, ChannelHistory history) {
		this.bus = bus;
		this.codec = codec;
		this.history = history;
	}

	/**
	 * Returns the key of a clan's chat messages for backends on {@code gateway.client-events},
	 * which nodes with subscribers bind too: a member's chat reaches them in the same message.
	 */
	static String backendKey(String clanId) {
		return "chat.message." + clanId;
	}

	static String subscription(String clanId) {
		return SERVICE + ":" + clanId;
	}

	void subscribe(String clanId, ClientSession session) {
		session.subscriptions().add(subscription(clanId));
		this.byClan.compute(clanId, (clan, sessions) -> {
			Set<ClientSession> result = (sessions != null) ? sessions : ConcurrentHashMap.newKeySet();
			if (sessions == null) {
				this.bus.bind(KEY_PREFIX + clan);
				this.bus.bindClientEvents(backendKey(clan));
			}
			result.add(session);
			return result;
		});
		if (!session.isOpen()) {
			// Closed meanwhile (from another thread): closed() may have missed this subscription.
			unsubscribe(clanId, session);
		}
	}

	void unsubscribe(String clanId, ClientSession session) {
		session.subscriptions().remove(subscription(clanId));
		Set<ClientSession> left = this.byClan.computeIfPresent(clanId, (clan, sessions) -> {
			sessions.remove(session);
			if (sessions.isEmpty()) {
				this.bus.unbind(KEY_PREFIX + clan);
				this.bus.unbindClientEvents(backendKey(clan));
				return null;
			}
			return sessions;
		});
		if (left == null) {
			this.history.forget(HistoryFamily.CLANS, clanId);
		}
	}

	static boolean isSubscribed(ClientSession session, String clanId) {
		return session.subscriptions().contains(subscription(clanId));
	}

	/** Returns the clan's subscribed sessions on this node. */
	Set<ClientSession> subscribers(String clanId) {
		Set<ClientSession> sessions = this.byClan.get(clanId);
		return (sessions != null) ? Collections.unmodifiableSet(sessions) : Set.of();
	}

	/** Returns every clan with a subscriber here and its local subscriber count. */
	public Map<String, Integer> sizes() {
		Map<String, Integer> sizes = new TreeMap<>();
		this.byClan.forEach((clan, sessions) -> sizes.put(clan, sessions.size()));
		return sizes;
	}

	@Override
	public void identityChanged(ClientSession session, ClientIdentity previous) {
		Set<String> allowed = session.identity().clans();
		for (String clanId : subscribedClans(session)) {
			if (!allowed.contains(clanId)) {
				unsubscribe(clanId, session);
				session.send(this.codec.encode(
						new SubscriptionConfirmed(SERVICE, clanId, SubscriptionConfirmed.UNSUBSCRIBED)));
			}
		}
	}

	@Override
	public void closed(ClientSession session, CloseStatus status) {
		for (String clanId : subscribedClans(session)) {
			unsubscribe(clanId, session);
		}
	}

	private static List<String> subscribedClans(ClientSession session) {
		List<String> clans = new ArrayList<>();
		for (String subscription : session.subscriptions()) {
			if (subscription.startsWith(SERVICE + ":")) {
				clans.add(subscription.substring(SERVICE.length() + 1));
			}
		}
		return clans;
	}

}
