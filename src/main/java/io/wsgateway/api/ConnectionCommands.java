package io.wsgateway.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.wsgateway.NodeProperties;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusEventListener;
import io.wsgateway.bus.EventBus;
import io.wsgateway.bus.MalformedEventException;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.SessionRegistry;
import tools.jackson.core.JacksonException;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * Closes connections wherever they are: a close is published on {@code cluster.command},
 * which every node is bound to from start-up, and each node closes the matching
 * connections it holds. The node that publishes runs the command on its own connections
 * before {@link #closeConnection} or {@link #closeUser} returns.
 */
@Component
class ConnectionCommands implements BusEventListener, SmartInitializingSingleton {

	static final String KEY = "cluster.command";

	// The bus's fixed metric kinds have none for commands; closes are presence changes.
	private static final String KIND = "presence";

	/**
	 * A close of one connection ({@code connectionId}) or of all of a user's ({@code userId}).
	 *
	 * @param code the close code, 1000 or 4000-4999
	 * @param reason the close reason, possibly empty
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Close(String connectionId, String userId, int code, String reason) {
	}

	private final EventBus bus;

	private final SessionRegistry sessions;

	private final MessageCodec codec;

	private final String node;

	ConnectionCommands(EventBus bus, SessionRegistry sessions, MessageCodec codec, NodeProperties node) {
		this.bus = bus;
		this.sessions = sessions;
		this.codec = codec;
		this.node = node.nodeId();
	}

	/** Closes one connection on whichever node holds it. */
	CompletionStage<Void> closeConnection(String connectionId, CloseStatus status) {
		return publish(new Close(connectionId, null, status.getCode(), status.getReason()));
	}

	/** Closes every connection of the user on every node. */
	CompletionStage<Void> closeUser(String userId, CloseStatus status) {
		return publish(new Close(null, userId, status.getCode(), status.getReason()));
	}

	private CompletionStage<Void> publish(Close close) {
		String body = this.codec.mapper().writeValueAsString(close);
		return this.bus.publish(new BusEvent.Frame(KEY, KIND, body, this.node, null));
	}

	@Override
	public String prefix() {
		return KEY;
	}

	/**
	 * Closes the matching connections of this node. Called synchronously for this node's
	 * own commands and on the bus consumer thread for the others'.
	 */
	@Override
	public int onEvent(BusEvent event) {
		Close close;
		try {
			close = this.codec.mapper().readValue(event.body(), Close.class);
		}
		catch (JacksonException ex) {
			throw new MalformedEventException("command is not valid JSON");
		}
		if (close == null || (close.connectionId() == null) == (close.userId() == null) || !isCloseCode(close.code())) {
			throw new MalformedEventException("close command needs exactly one of connectionId and userId, and a code");
		}
		CloseStatus status = new CloseStatus(close.code(), close.reason());
		List<ClientSession> targets;
		if (close.connectionId() != null) {
			ClientSession session = this.sessions.get(close.connectionId());
			targets = (session != null) ? List.of(session) : List.of();
		}
		else {
			targets = List.copyOf(this.sessions.byUser(close.userId()));
		}
		targets.forEach((session) -> session.close(status));
		return targets.size();
	}

	/** Returns whether the API may close connections with this code: normal (1000) or application-defined (4000-4999). */
	static boolean isCloseCode(int code) {
		return code == CloseStatus.NORMAL.getCode() || (code >= 4000 && code <= 4999);
	}

	/** Binds this node to {@code cluster.command}; called once at start-up. */
	@Override
	public void afterSingletonsInstantiated() {
		this.bus.bind(KEY);
	}

}
