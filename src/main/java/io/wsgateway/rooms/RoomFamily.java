package io.wsgateway.rooms;

import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelFamily;

/** Rooms as channels of the hub: a room's events travel under {@code room.<room>}. */
final class RoomFamily implements ChannelFamily {

	static final RoomFamily ROOMS = new RoomFamily();

	static final String KEY_PREFIX = "room.";

	private RoomFamily() {
	}

	/** Returns the channel of a room. */
	static Channel room(String name) {
		return new Channel(ROOMS, name);
	}

	@Override
	public String id() {
		return Channel.ROOM;
	}

	@Override
	public String keyPrefix() {
		return KEY_PREFIX;
	}

}
