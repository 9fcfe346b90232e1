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
 */
final class ConfirmingPublisher {

	private final ConnectionFactory connectionFactory;

	private final ExecutorService thread = Executors.newSingleThreadExecutor((runnable) -> {
		Thread publisher = new Thread(runnable, "gateway-bus-publisher");
		publisher.setDaemon(true);
		return publisher;
	});

	private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> unconfirmed = new ConcurrentSkipListMap<>();

	private Channel channel;

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
		failAll(new IOException("publisher stopped"));
	}

	private void send(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body,
			CompletableFuture<Void> confirmed) {
		try {
			Channel current = channel();
			long sequence = current.getNextPublishSeqNo();
			this.unconfirmed.put(sequence, confirmed);
			confirmed.whenComplete((result, failure) -> this.unconfirmed.remove(sequence, confirmed));
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
		// Confirms for the old channel's messages can no longer arrive.
		failAll(new IOException("broker channel closed"));
		current = this.connectionFactory.createConnection().createChannel(false);
		current.confirmSelect();
		current.addConfirmListener((sequence, multiple) -> confirm(sequence, multiple, null),
				(sequence, multiple) -> confirm(sequence, multiple, new IOException("broker refused the message")));
		current.addShutdownListener((cause) -> failAll(cause));
		this.channel = current;
		return current;
	}

	private void confirm(long sequence, boolean multiple, Exception failure) {
		var done = multiple ? this.unconfirmed.headMap(sequence, true) : this.unconfirmed.subMap(sequence, true, sequence, true);
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

	private void failAll(Exception cause) {
		for (CompletableFuture<Void> future : this.unconfirmed.values()) {
			future.completeExceptionally(cause);
		}
		this.unconfirmed.clear();
	}

}
