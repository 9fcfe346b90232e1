package io.wsgateway.history;

import io.wsgateway.hub.Channel;

/**
 * The message families that may keep history, with the names their channels, bus keys and
 * frames have.
 */
public enum HistoryFamily {

	/** Rooms: channel {@code room:<room>}, bus key {@code room.<room>}, frame {@code room_message}. */
	ROOMS(Channel.ROOM, "room.", "room", "room_message", "room"),

	/** Clan chats: channel {@code clan:<clanId>}, bus key {@code chat.clan.<clanId>}, frame {@code chat}. */
	CLANS(Channel.CLAN, "chat.clan.", "chat", "chat", "clanId");

	private final String hubFamily;

	private final String channelPrefix;

	private final String keyPrefix;

	private final String kind;

	private final String frameType;

	private final String field;

	HistoryFamily(String hubFamily, String keyPrefix, String kind, String frameType, String field) {
		this.hubFamily = hubFamily;
		this.channelPrefix = hubFamily + ":";
		this.keyPrefix = keyPrefix;
		this.kind = kind;
		this.frameType = frameType;
		this.field = field;
	}

	/** Returns the channel of one room or clan, such as {@code room:lobby}. */
	public String channel(String id) {
		return this.channelPrefix + id;
	}

	/** Returns the bus event {@code kind} of the family's stored messages ({@code typing} is never stored). */
	String kind() {
		return this.kind;
	}

	/** Returns the {@code type} of the family's stored frames. */
	String frameType() {
		return this.frameType;
	}

	/** Returns the field that names the room or clan in requests and replies. */
	String field() {
		return this.field;
	}

	/** Returns the family whose bus key this is, or {@code null}. */
	static HistoryFamily ofKey(String routingKey) {
		for (HistoryFamily family : values()) {
			if (routingKey.startsWith(family.keyPrefix)) {
				return family;
			}
		}
		return null;
	}

	/** Returns the room or clan of a bus key of this family. */
	String idOfKey(String routingKey) {
		return routingKey.substring(this.keyPrefix.length());
	}

	/** Returns the id of the hub's channel family, {@link Channel#ROOM} or {@link Channel#CLAN}. */
	String hubFamily() {
		return this.hubFamily;
	}

	/** Returns the family of a hub channel, or {@code null} for a family without history. */
	static HistoryFamily of(Channel channel) {
		for (HistoryFamily family : values()) {
			if (channel.is(family.hubFamily)) {
				return family;
			}
		}
		return null;
	}

}
