package io.wsgateway.hub;

/**
 * A channel: a family of channels and a name within it, such as the room {@code lobby} or
 * the clan chat of clan {@code 42}. Two channels are equal when family and name are.
 *
 * @param family its family, which decides how it binds to the bus
 * @param name its name within the family, as the client spells it
 */
public record Channel(ChannelFamily family, String name) {

	/** The family id of rooms; {@code room:<room>} names a room's history (PROTOCOL.md section 10). */
	public static final String ROOM = "room";

	/** The family id of clan chats; {@code clan:<clanId>} names a clan chat's history. */
	public static final String CLAN = "clan";

	/** Returns whether this is a channel of the family with this id. */
	public boolean is(String familyId) {
		return this.family.id().equals(familyId);
	}

	@Override
	public String toString() {
		return this.family.id() + ":" + this.name;
	}

}
