package io.wsgateway.protocol;

/**
 * A reply that frames of the same connection must follow, such as a recovery's replay
 * after {@code room_joined}: the router sends {@code reply} with the request's {@code id},
 * then runs {@code then} on the same thread, so that nothing {@code then} sends can arrive
 * before the reply.
 */
public record FollowedReply(ServerMessage reply, Runnable then) implements ServerMessage {

	@Override
	public String type() {
		return this.reply.type();
	}

}
