package io.wsgateway.bus.rabbit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Publishes every message of this node on one channel, from one thread, mandatory and
 * with publisher confirms. One channel because the broker keeps order only within a
 * channel, and per-sender order must hold across nodes; one thread so that no client
 * thread ever waits for the broker, and so that all of the state below is touched by that
 * thread alone (the client library's callbacks are handed to it).
 *
 * <p>A publish's future completes in publish order, and only once its outcome is known:
 * <ul>
 * <li>normally when the broker confirmed the message into at least one queue;</li>
 * <li>exceptionally when nothing reached any queue: no channel could be opened, the
 * broker returned the message as unroutable, or nacked it;</li>
 * <li>never while the outcome is unknown: a message whose channel closed, or whose
 * confirm did not come within the confirm timeout (the channel is then closed), may or may
 * not be in the queues, so it is sent again, with the same {@link BusMessages#SEQUENCE},
 * on the next channel, before anything newer. Receivers drop the copy they have seen.</li>
 * </ul>
 *
 * <p>The futures complete on a thread of their own, never on the thread that reads the
 * broker connection: what runs on from a completion (the local delivery, the reply, an
 * unbinding when the client has gone) may call the broker and wait for an answer that
 * only that reading thread could read.
 */
final class ConfirmingPublisher {

	private final ConnectionFactory connectionFactory;

	private final BusFaultMeters meters;

	private final String instanceId;

	private final ChannelPreparation prepare;

	private final long confirmTimeoutNanos;

	private final ScheduledExecutorService thread = daemon("gateway-bus-publisher");

	// One thread keeps the completions in the order they were decided.
	private final ScheduledExecutorService completions = daemon("gateway-bus-confirms");

	private long lastSequence;

	private Channel channel;

	/** Messages sent on {@link #channel} and not yet decided, by delivery tag. */
	private final NavigableMap<Long, Outgoing> unconfirmed = new TreeMap<>();

	/** Messages of closed channels whose outcome is unknown, by sequence: sent again first. */
	private final NavigableMap<Long, Outgoing> resend = new TreeMap<>();

	private volatile int awaiting;

	/**
	 * @param instanceId this node instance, which with the sequence makes each message's
	 * AMQP {@code message_id} (the same for a copy sent again, so that backends can drop it)
	 * @param prepare run on every new channel before anything is published on it (declares
	 * the exchanges, so that a deleted one cannot make every resend fail)
	 */
	ConfirmingPublisher(ConnectionFactory connectionFactory, String instanceId, Duration confirmTimeout,
			BusFaultMeters meters, ChannelPreparation prepare) {
		this.connectionFactory = connectionFactory;
		this.prepare = prepare;
		this.instanceId = instanceId;
		this.meters = meters;
		this.confirmTimeoutNanos = confirmTimeout.toNanos();
		long tick = Math.max(50, confirmTimeout.toMillis() / 4);
		this.thread.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
	}

	/**
	 * Queues a publish; called from any thread.
	 * @param headers the message's headers, to which the sequence is added (not copied)
	 * @param onConfirmed run on the completion thread just before the future completes
	 * normally, in publish order, or {@code null}
	 * @return a future that completes as the class says
	 */
	CompletableFuture<Void> publish(String exchange, String routingKey, Map<String, Object> headers,
			AMQP.BasicProperties.Builder properties, byte[] body, Runnable onConfirmed) {
		Outgoing outgoing = new Outgoing(exchange, routingKey, headers, properties, body, onConfirmed);
		try {
			this.thread.execute(() -> send(outgoing));
		}
		catch (RejectedExecutionException ex) {
			outgoing.confirmed.completeExceptionally(ex);
		}
		return outgoing.confirmed;
	}

	/** Sends what awaits a resend now rather than at the next tick; called when the connection is back. */
	void resume() {
		try {
			this.thread.execute(this::flushResends);
		}
		catch (RejectedExecutionException ex) {
			// stopped
		}
	}

	/** Returns how many sent messages await their outcome (confirm, or resend after a lost channel). */
	int awaitingOutcome() {
		return this.awaiting;
	}

	void shutdown() {
		this.thread.shutdownNow();
		try {
			this.thread.awaitTermination(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		IOException stopped = new IOException("publisher stopped");
		List<Outgoing> left = new ArrayList<>(this.unconfirmed.values());
		left.addAll(this.resend.values());
		this.unconfirmed.clear();
		this.resend.clear();
		left.forEach((outgoing) -> outgoing.confirmed.completeExceptionally(stopped));
		this.completions.shutdown();
	}

	private void send(Outgoing outgoing) {
		outgoing.sequence = ++this.lastSequence;
		outgoing.headers.put(BusMessages.SEQUENCE, outgoing.sequence);
		outgoing.builder.messageId(this.instanceId + ":" + outgoing.sequence);
		Channel current;
		try {
			current = channel();
		}
		catch (IOException | RuntimeException ex) {
			// Never sent: it reached nobody.
			refuse(List.of(outgoing), ex);
			return;
		}
		if (!flushResends(current)) {
			// Older messages must go first, and could not: this one was not sent.
			refuse(List.of(outgoing), new IOException("broker channel closed"));
			return;
		}
		transmit(current, outgoing);
	}

	private Channel channel() throws IOException {
		Channel current = this.channel;
		if (current != null && current.isOpen()) {
			return current;
		}
		if (current != null) {
			lost(current);
		}
		current = this.connectionFactory.createConnection().createChannel(false);
		this.prepare.prepare(current);
		current.confirmSelect();
		Channel opened = current;
		current.addConfirmListener((tag, multiple) -> onPublisherThread(() -> acked(opened, tag, multiple)),
				(tag, multiple) -> onPublisherThread(() -> nacked(opened, tag, multiple)));
		current.addReturnListener((returned) -> {
			Object sequence = (returned.getProperties().getHeaders() != null)
					? returned.getProperties().getHeaders().get(BusMessages.SEQUENCE) : null;
			if (sequence instanceof Number number) {
				onPublisherThread(() -> returned(opened, number.longValue()));
			}
		});
		current.addShutdownListener((cause) -> onPublisherThread(() -> lost(opened)));
		this.channel = current;
		return current;
	}

	private void flushResends() {
		if (this.resend.isEmpty()) {
			return;
		}
		try {
			flushResends(channel());
		}
		catch (IOException | RuntimeException ex) {
			// Still down: the next tick or reconnection tries again.
		}
	}

	/** Sends the messages of lost channels again, oldest first; returns whether all went. */
	private boolean flushResends(Channel current) {
		while (!this.resend.isEmpty()) {
			if (!transmit(current, this.resend.pollFirstEntry().getValue())) {
				return false;
			}
			this.meters.resent();
		}
		return true;
	}

	/** Sends on the channel; returns {@code false} if the channel failed (the message then awaits a resend). */
	private boolean transmit(Channel current, Outgoing outgoing) {
		long tag = current.getNextPublishSeqNo();
		this.unconfirmed.put(tag, outgoing);
		updateAwaiting();
		outgoing.returned = false;
		outgoing.sentAt = System.nanoTime();
		try {
			current.basicPublish(outgoing.exchange, outgoing.routingKey, true, outgoing.properties(), outgoing.body);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			// Perhaps written, perhaps not: unknown, so it is sent again.
			lost(current);
			return false;
		}
	}

	private void acked(Channel from, long tag, boolean multiple) {
		if (from != this.channel) {
			return;
		}
		for (Outgoing outgoing : decided(tag, multiple)) {
			outgoing.outcome = outgoing.returned ? Outgoing.Outcome.RETURNED : Outgoing.Outcome.CONFIRMED;
		}
		completeInOrder();
	}

	private void nacked(Channel from, long tag, boolean multiple) {
		if (from != this.channel) {
			return;
		}
		for (Outgoing outgoing : decided(tag, multiple)) {
			outgoing.outcome = Outgoing.Outcome.NACKED;
			this.meters.nacked();
		}
		completeInOrder();
	}

	private void returned(Channel from, long sequence) {
		if (from != this.channel) {
			return;
		}
		for (Outgoing outgoing : this.unconfirmed.values()) {
			if (outgoing.sequence == sequence) {
				outgoing.returned = true;
				this.meters.returned();
				return;
			}
		}
	}

	private Iterable<Outgoing> decided(long tag, boolean multiple) {
		return multiple ? this.unconfirmed.headMap(tag, true).values()
				: this.unconfirmed.subMap(tag, true, tag, true).values();
	}

	/** Completes the decided futures at the head, so that completions keep publish order. */
	private void completeInOrder() {
		List<Outgoing> done = new ArrayList<>();
		while (!this.unconfirmed.isEmpty() && this.unconfirmed.firstEntry().getValue().outcome != null) {
			done.add(this.unconfirmed.pollFirstEntry().getValue());
		}
		updateAwaiting();
		if (!done.isEmpty()) {
			onCompletionThread(() -> done.forEach(Outgoing::complete));
		}
	}

	/** The channel closed: what it sent and the broker did not decide is sent again on the next one. */
	private void lost(Channel closed) {
		if (closed != this.channel) {
			return;
		}
		this.channel = null;
		// Decided ones at the head complete; from the first undecided one on, everything is
		// sent again (a decided one too), so that completions keep publish order.
		completeInOrder();
		if (!this.unconfirmed.isEmpty()) {
			this.meters.channelLost(this.unconfirmed.size());
		}
		for (Outgoing outgoing : this.unconfirmed.values()) {
			outgoing.outcome = null;
			this.resend.put(outgoing.sequence, outgoing);
		}
		this.unconfirmed.clear();
		updateAwaiting();
		if (closed.isOpen()) {
			try {
				closed.abort();
			}
			catch (IOException | RuntimeException ex) {
				// closing anyway
			}
		}
	}

	private void tick() {
		if (!this.unconfirmed.isEmpty()
				&& System.nanoTime() - this.unconfirmed.firstEntry().getValue().sentAt > this.confirmTimeoutNanos) {
			this.meters.confirmTimedOut();
			lost(this.channel);
		}
		flushResends();
	}

	private void refuse(List<Outgoing> refused, Exception cause) {
		onCompletionThread(() -> refused.forEach((outgoing) -> outgoing.confirmed.completeExceptionally(cause)));
	}

	private void updateAwaiting() {
		this.awaiting = this.unconfirmed.size() + this.resend.size();
	}

	private static ScheduledExecutorService daemon(String name) {
		return Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		});
	}

	private void onPublisherThread(Runnable task) {
		try {
			this.thread.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// stopped: shutdown() has failed every future still waiting
		}
	}

	private void onCompletionThread(Runnable completion) {
		try {
			this.completions.execute(completion);
		}
		catch (RejectedExecutionException ex) {
			// stopped: nobody waits any more
		}
	}

	/** Readies a new channel for publishing. */
	@FunctionalInterface
	interface ChannelPreparation {

		void prepare(Channel channel) throws IOException;

	}

}
