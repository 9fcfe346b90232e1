package io.wsgateway.presence;

import java.util.List;

/**
 * Who is in a room, across every node.
 *
 * @param room the room
 * @param members its member connections in all
 * @param users the users present, sorted by id, each with their number of member connections
 */
public record RoomPresence(String room, int members, List<Member> users) {

	/**
	 * One user present in a room.
	 *
	 * @param userId the user
	 * @param connections how many of the user's connections are members
	 */
	public record Member(String userId, int connections) {

	}

}
