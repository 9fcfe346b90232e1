package io.wsgateway.presence;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.wsgateway.bus.MalformedEventException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body of {@code cluster.presence} events, which nodes exchange to keep each other's
 * view of the cluster's connections current. One JSON object per event; every event
 * names its sender.
 */
final class ClusterWire {

	/** The routing key every node publishes presence state on and is bound to from start-up. */
	static final String KEY = "cluster.presence";

	/** The full state of the sender's connections; {@code sync: true} asks every node to answer with theirs. */
	static final String SNAPSHOT = "snapshot";

	static final String OPEN = "open";

	static final String CLOSE = "close";

	static final String JOIN = "join";

	static final String LEAVE = "leave";

	/** The sender is shutting down: forget its connections now rather than after {@code node-timeout}. */
	static final String BYE = "bye";

	private ClusterWire() {
	}

	/**
	 * One event.
	 *
	 * @param op what happened: {@link #SNAPSHOT}, {@link #OPEN}, {@link #CLOSE},
	 * {@link #JOIN}, {@link #LEAVE} or {@link #BYE}
	 * @param instance the sending process (unique per start, unlike the node id)
	 * @param node the sender's {@code gateway.node-id}
	 * @param startedAt when the sender started; the oldest node publishes the backend's presence events
	 * @param sync on a snapshot: the sender has just started and asks for everyone's snapshot
	 * @param connections on a snapshot: every connection of the sender
	 * @param connection on {@code open}: the new connection
	 * @param connectionId on {@code close}, {@code join} and {@code leave}
	 * @param room on {@code join} and {@code leave}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Message(String op, String instance, String node, Instant startedAt, Boolean sync,
			List<Connection> connections, Connection connection, String connectionId, String room) {

		boolean wantsSync() {
			return Boolean.TRUE.equals(this.sync);
		}

	}

	/** A connection as nodes describe it to each other. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Connection(String id, String userId, String ip, String userAgent, Instant connectedAt,
			Instant lastActiveAt, Set<String> rooms) {

	}

	static String write(JsonMapper mapper, Message message) {
		return mapper.writeValueAsString(message);
	}

	/**
	 * Reads an event from another node.
	 * @throws MalformedEventException if it is not a presence event this node understands
	 */
	static Message read(JsonMapper mapper, String body) {
		Message message;
		try {
			message = mapper.readValue(body, Message.class);
		}
		catch (JacksonException ex) {
			throw new MalformedEventException("presence event is not valid JSON");
		}
		if (message == null || message.op() == null || message.instance() == null || message.node() == null
				|| message.startedAt() == null) {
			throw new MalformedEventException("presence event without op, instance, node or startedAt");
		}
		boolean valid = switch (message.op()) {
			case SNAPSHOT -> message.connections() != null && message.connections().stream().allMatch(ClusterWire::valid);
			case OPEN -> valid(message.connection());
			case CLOSE -> message.connectionId() != null;
			case JOIN, LEAVE -> message.connectionId() != null && message.room() != null;
			case BYE -> true;
			default -> false;
		};
		if (!valid) {
			throw new MalformedEventException("presence event '" + message.op() + "' is incomplete or unknown");
		}
		return message;
	}

	private static boolean valid(Connection connection) {
		return connection != null && connection.id() != null && connection.userId() != null
				&& connection.connectedAt() != null;
	}

}
