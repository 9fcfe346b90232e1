package io.wsgateway.echo;

import java.util.concurrent.CompletionStage;

import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.NotNull;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/** {@code echo {payload}} → {@code echo {payload}}, the payload unchanged (any JSON value, {@code null} included). */
@Component
class EchoHandler implements MessageHandler<EchoHandler.Echo> {

	record Echo(@NotNull(message = "is required") JsonNode payload) implements ServerMessage {

		@Override
		public String type() {
			return "echo";
		}

	}

	@Override
	public String type() {
		return "echo";
	}

	@Override
	public Class<Echo> messageClass() {
		return Echo.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, Echo message) {
		return MessageHandler.reply(message);
	}

}
