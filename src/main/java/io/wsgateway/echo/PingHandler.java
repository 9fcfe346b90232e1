package io.wsgateway.echo;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;

import org.springframework.stereotype.Component;

/** {@code ping} → {@code pong {timestamp}}: a heartbeat for clients that cannot see protocol pings. */
@Component
class PingHandler implements MessageHandler<PingHandler.Ping> {

	record Ping() {
	}

	record Pong(Instant timestamp) implements ServerMessage {

		@Override
		public String type() {
			return "pong";
		}

	}

	@Override
	public String type() {
		return "ping";
	}

	@Override
	public Class<Ping> messageClass() {
		return Ping.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, Ping message) {
		return MessageHandler.reply(new Pong(Instant.now()));
	}

}
