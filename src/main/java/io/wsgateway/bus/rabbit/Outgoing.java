package io.wsgateway.bus.rabbit;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.rabbitmq.client.AMQP;

/**
 * One message of {@link ConfirmingPublisher}, through its sends until its outcome is
 * known; its fields are touched by the publisher thread only, its future completed on the
 * completion thread.
 */
final class Outgoing {

	/** What the broker decided for a message. */
	enum Outcome {

		/** In at least one queue. */
		CONFIRMED,

		/** Unroutable: in no queue. */
		RETURNED,

		/** Refused by the broker. */
		NACKED

	}

	final String exchange;

	final String routingKey;

	final Map<String, Object> headers;

	final AMQP.BasicProperties.Builder builder;

	final byte[] body;

	final CompletableFuture<Void> confirmed = new CompletableFuture<>();

	private final Runnable onConfirmed;

	long sequence;

	long sentAt;

	boolean returned;

	Outcome outcome;

	private AMQP.BasicProperties properties;

	Outgoing(String exchange, String routingKey, Map<String, Object> headers, AMQP.BasicProperties.Builder builder,
			byte[] body, Runnable onConfirmed) {
		this.exchange = exchange;
		this.routingKey = routingKey;
		this.headers = headers;
		this.builder = builder;
		this.body = body;
		this.onConfirmed = onConfirmed;
	}

	/** Returns the message's properties, built once, when the headers are complete. */
	AMQP.BasicProperties properties() {
		if (this.properties == null) {
			this.properties = this.builder.headers(this.headers).build();
		}
		return this.properties;
	}

	/** Completes the future by the outcome; called on the completion thread. */
	void complete() {
		switch (this.outcome) {
			case CONFIRMED -> {
				if (this.onConfirmed != null) {
					this.onConfirmed.run();
				}
				this.confirmed.complete(null);
			}
			case RETURNED -> this.confirmed.completeExceptionally(new UnroutableException());
			case NACKED -> this.confirmed.completeExceptionally(new IOException("broker refused the message"));
		}
	}

	/** The broker returned the message: no queue is bound to its key, so it reached nobody. */
	static final class UnroutableException extends IOException {

		private static final long serialVersionUID = 1L;

		UnroutableException() {
			super("unroutable: no queue took the message");
		}

	}

}
