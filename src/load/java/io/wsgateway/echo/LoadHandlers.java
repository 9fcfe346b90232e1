package io.wsgateway.echo;

import io.wsgateway.protocol.MessageHandler;

/** The echo family's handlers, for the JMH benchmarks (their constructors are package-private). */
public final class LoadHandlers {

	private LoadHandlers() {
	}

	public static MessageHandler<?> echo() {
		return new EchoHandler();
	}

	public static MessageHandler<?> ping() {
		return new PingHandler();
	}

}
