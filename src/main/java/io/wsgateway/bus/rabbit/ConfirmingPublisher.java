package io.wsgateway.bus.rabbit;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Publishes every message of this node on one channel, from one thread, with publisher
 * confirms. One channel because the broker keeps order only within a channel, and
 * per-sender order must hold across nodes; one thread so that no client thread ever
 * waits for the broker. Each publish returns a future that completes on the broker's ack
 * and fails on a nack or a lost channel.
 *
 * <p>The futures complete on a thread of their own, never on the thread that reads the
 * broker connection, where the client library delivers acks and channel closes. Whatever
 * runs on from a completion (a reply to the client, and when that client has gone, the
 * unbinding of its routing keys) may call the broker and wait for an answer that only
 * that reading thread could have read: the connection, every delivery and every confirm of
 * this node included, would then stall until the client library's RPC timeout.
 */
final class ConfirmingPublisher {

	private final ConnectionFactory connectionFactory;

	private final ExecutorService thread = Executors.newSingleThreadExecutor((runnable) -> {
		Thread publisher = new Thread(runnable, "gateway-bus-publisher");
		publisher.setDaemon(true);
		return publisher;
	});

	// One thread keeps the completions in the order the broker confirmed.
	private final ExecutorService completions = Executors.newSingleThreadExecutor((runnable) -> {
		Thread completer = new Thread(runnable, "gateway-bus-confirms");
		completer.setDaemon(true);
		return completer;
	});

	private Channel channel;

	/** The unconfirmed publishes of {@link #channel}; replaced with it. */
	private volatile Unconfirmed unconfirmed;

	ConfirmingPublisher(ConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/** Queues a publish; the future completes when the broker confirmed it. */
	CompletableFuture<Void> publish(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
		CompletableFuture<Void> confirmed = new CompletableFuture<>();
		try {
			this.thread.execute(() -> send(exchange, routingKey, properties, body, confirmed));
		}
		catch (RejectedExecutionException ex) {
			confirmed.completeExceptionally(ex);
		}
		return confirmed;
	}

	void shutdown() {
		this.thread.shutdownNow();
		this.completions.shutdown();
		Unconfirmed current = this.unconfirmed;
		if (current != null) {
			current.failAll(new IOException("publisher stopped"));
		}
	}

	private void send(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body,
			CompletableFuture<Void> confirmed) {
		try {
			Channel current = channel();
			this.unconfirmed.add(current.getNextPublishSeqNo(), confirmed);
			current.basicPublish(exchange, routingKey, false, properties, body);
		}
		catch (IOException | RuntimeException ex) {
			confirmed.completeExceptionally(ex);
			this.channel = null;
		}
	}

	private Channel channel() throws IOException {
		Channel current = this.channel;
		if (current != null && current.isOpen()) {
			return current;
		}
		if (this.unconfirmed != null) {
			// Confirms for the old channel's messages can no longer arrive.
			this.unconfirmed.failAll(new IOException("broker channel closed"));
		}
		current = this.connectionFactory.createConnection().createChannel(false);
		current.confirmSelect();
		Unconfirmed pending = new Unconfirmed();
		current.addConfirmListener(
				(sequence, multiple) -> offTheConnectionThread(() -> pending.confirm(sequence, multiple, null)),
				(sequence, multiple) -> offTheConnectionThread(
						() -> pending.confirm(sequence, multiple, new IOException("broker refused the message"))));
		current.addShutdownListener((cause) -> offTheConnectionThread(() -> pending.failAll(cause)));
		this.channel = current;
		this.unconfirmed = pending;
		return current;
	}

	private void offTheConnectionThread(Runnable completion) {
		try {
			this.completions.execute(completion);
		}
		catch (RejectedExecutionException ex) {
			// stopped: shutdown() has already failed every future still waiting
		}
	}

	/** The futures of one channel's publishes by sequence number. */
	private static final class Unconfirmed {

		private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> futures = new ConcurrentSkipListMap<>();

		void add(long sequence, CompletableFuture<Void> confirmed) {
			this.futures.put(sequence, confirmed);
			confirmed.whenComplete((result, failure) -> this.futures.remove(sequence, confirmed));
		}

		void confirm(long sequence, boolean multiple, Exception failure) {
			var done = multiple ? this.futures.headMap(sequence, true)
					: this.futures.subMap(sequence, true, sequence, true);
			for (CompletableFuture<Void> future : done.values()) {
				if (failure == null) {
					future.complete(null);
				}
				else {
					future.completeExceptionally(failure);
				}
			}
			done.clear();
		}

		void failAll(Exception cause) {
			for (CompletableFuture<Void> future : this.futures.values()) {
				future.completeExceptionally(cause);
			}
			this.futures.clear();
		}

	}

}
