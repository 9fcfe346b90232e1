package io.wsgateway.chat;

import java.time.Instant;

import io.wsgateway.protocol.ServerMessage;

/** The server messages of the clan chat family. */
final class ChatMessages {

	private ChatMessages() {
	}

	/** A chat message, as clients receive it and as backends receive it on {@code chat.message.<clanId>}. */
	record Chat(String messageId, String clanId, String userId, String content, String messageType,
			Instant timestamp) implements ServerMessage {

		@Override
		public String type() {
			return "chat";
		}

	}

	record MessageSent(String messageId) implements ServerMessage {

		@Override
		public String type() {
			return "message_sent";
		}

	}

	record Typing(String clanId, String userId, boolean isTyping) implements ServerMessage {

		@Override
		public String type() {
			return "typing";
		}

	}

}
