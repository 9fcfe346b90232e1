package io.wsgateway.chat;

import io.wsgateway.bus.EventBus;
import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelFamily;

/**
 * Clan chats as channels of the hub. While a session here is subscribed to a clan, the node
 * is bound to {@code chat.clan.<clanId>} (backends' messages, typing) and to
 * {@code chat.message.<clanId>} on the client exchange (members' chats, which backends get
 * in the same message). A subscription shows in {@code status} as {@code clan_chat:<clanId>}.
 */
final class ClanFamily implements ChannelFamily {

	static final ClanFamily CLANS = new ClanFamily();

	/** The {@code service} of the clan chat's {@code subscription_confirmed}. */
	static final String SERVICE = "clan_chat";

	static final String KEY_PREFIX = "chat.clan.";

	private ClanFamily() {
	}

	/** Returns the channel of a clan's chat. */
	static Channel clan(String clanId) {
		return new Channel(CLANS, clanId);
	}

	/**
	 * Returns the key of a clan's chat messages for backends on {@code gateway.client-events},
	 * which nodes with subscribers bind too: a member's chat reaches them in the same message.
	 */
	static String backendKey(String clanId) {
		return "chat.message." + clanId;
	}

	@Override
	public String id() {
		return Channel.CLAN;
	}

	@Override
	public String keyPrefix() {
		return KEY_PREFIX;
	}

	@Override
	public void bind(EventBus bus, String clanId) {
		bus.bind(routingKey(clanId));
		bus.bindClientEvents(backendKey(clanId));
	}

	@Override
	public void unbind(EventBus bus, String clanId) {
		bus.unbind(routingKey(clanId));
		bus.unbindClientEvents(backendKey(clanId));
	}

	@Override
	public String subscription(String clanId) {
		return SERVICE + ":" + clanId;
	}

}
