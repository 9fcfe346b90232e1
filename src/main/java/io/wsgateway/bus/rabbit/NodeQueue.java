package io.wsgateway.bus.rabbit;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.rabbitmq.client.Channel;
import io.wsgateway.bus.BusProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * This node's queue on the broker and its bindings. The queue is durable, shared by no
 * one and deleted by nobody but this node when it stops, or by the broker once no
 * connection has used it for {@code gateway.bus.queue-expiry} ({@code x-expires}). It and
 * its bindings therefore outlive a dropped connection and a broker restart: events for this
 * node's sessions keep being routed to it, and wait there, while the node reconnects.
 *
 * <p>The sets of keys are the truth; the broker gets every change at once when connected,
 * and all of them again by {@link #declare} on every new connection.
 */
final class NodeQueue {

	private static final Logger logger = LoggerFactory.getLogger(NodeQueue.class);

	private final ConnectionFactory connectionFactory;

	private final BusProperties properties;

	private final String name;

	private final Set<String> eventKeys = ConcurrentHashMap.newKeySet();

	private final Set<String> clientKeys = ConcurrentHashMap.newKeySet();

	NodeQueue(ConnectionFactory connectionFactory, BusProperties properties, String name) {
		this.connectionFactory = connectionFactory;
		this.properties = properties;
		this.name = name;
	}

	String name() {
		return this.name;
	}

	/** Returns the keys bound on {@code gateway.events}. */
	Set<String> eventKeys() {
		return Set.copyOf(this.eventKeys);
	}

	/** Returns how many keys are bound on both exchanges. */
	int size() {
		return this.eventKeys.size() + this.clientKeys.size();
	}

	/**
	 * Declares the exchanges, the queue and every binding; called on each new connection,
	 * before this node publishes on it.
	 */
	void declare(Channel channel) throws IOException {
		declareExchanges(channel);
		Duration expiry = this.properties.queueExpiry();
		channel.queueDeclare(this.name, true, false, false, Map.of("x-expires", expiry.toMillis()));
		for (String key : this.eventKeys) {
			channel.queueBind(this.name, this.properties.exchange(), onBroker(key));
		}
		for (String key : this.clientKeys) {
			channel.queueBind(this.name, this.properties.clientExchange(), onBroker(key));
		}
	}

	/** Declares the two durable topic exchanges (idempotent); called before publishing on a new channel. */
	void declareExchanges(Channel channel) throws IOException {
		channel.exchangeDeclare(this.properties.exchange(), "topic", true);
		channel.exchangeDeclare(this.properties.clientExchange(), "topic", true);
	}

	/**
	 * Binds the key on the exchange; returns at once if bound already. A key with an AMQP
	 * wildcard word ({@code *} or {@code #}, from a user id) is never bound.
	 */
	void bind(boolean clientExchange, String key, boolean connected) {
		if (isWildcard(key)) {
			logger.warn("Not binding a key with an AMQP wildcard word ('*' or '#'): {}", key);
			return;
		}
		if ((clientExchange ? this.clientKeys : this.eventKeys).add(key) && connected) {
			onChannel((channel) -> channel.queueBind(this.name, exchange(clientExchange), onBroker(key)));
		}
	}

	void unbind(boolean clientExchange, String key, boolean connected) {
		if ((clientExchange ? this.clientKeys : this.eventKeys).remove(key) && connected) {
			onChannel((channel) -> channel.queueUnbind(this.name, exchange(clientExchange), onBroker(key)));
		}
	}

	/** Returns the number of messages ready in the queue, or -1 when the broker cannot say. */
	long depth() {
		long[] depth = { -1 };
		onChannel((channel) -> depth[0] = channel.queueDeclarePassive(this.name).getMessageCount());
		return depth[0];
	}

	/** Deletes the queue and what it holds; called when the node stops, when nobody will read it again. */
	void delete() {
		onChannel((channel) -> channel.queueDelete(this.name));
	}

	/** Returns the key as it is on the broker, with {@code gateway.bus.routing-key-prefix} in front. */
	String onBroker(String routingKey) {
		return this.properties.routingKeyPrefix() + routingKey;
	}

	private static boolean isWildcard(String routingKey) {
		for (String word : routingKey.split("\\.", -1)) {
			if (word.equals("*") || word.equals("#")) {
				return true;
			}
		}
		return false;
	}

	private String exchange(boolean clientExchange) {
		return clientExchange ? this.properties.clientExchange() : this.properties.exchange();
	}

	private void onChannel(ChannelAction action) {
		try (Channel channel = this.connectionFactory.createConnection().createChannel(false)) {
			action.run(channel);
		}
		catch (Exception ex) {
			// The key sets are the truth; declare() applies them when the connection is back.
			logger.debug("Broker call on queue {} deferred or skipped: {}", this.name, ex.toString());
		}
	}

	@FunctionalInterface
	private interface ChannelAction {

		void run(Channel channel) throws Exception;

	}

}
