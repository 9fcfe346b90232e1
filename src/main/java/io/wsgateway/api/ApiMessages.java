package io.wsgateway.api;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;
import io.wsgateway.presence.ConnectionInfo;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.rooms.RoomMessages;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

/** The server API's request and response bodies. */
final class ApiMessages {

	private ApiMessages() {
	}

	@Schema(description = "A notification for one user, delivered as 'notification' to the user's sessions "
			+ "subscribed to notifications, on every node. Needs a title or a message.")
	record UserMessage(
			@Schema(description = "notification id; generated when absent") @Size(max = 128) String id,
			@Schema(description = "short title") @Size(max = 1024) String title,
			@Schema(description = "message text") String message,
			@Schema(description = OpenApiConfiguration.ANY_JSON + ", passed on as it is") JsonNode data) {
	}

	@Schema(description = "A message for a room's members on every node ('room_message'), or, on "
			+ "/api/v1/broadcast, for every connection ('broadcast').")
	record Payload(
			@Schema(description = OpenApiConfiguration.ANY_JSON + ", passed on as it is", requiredMode = Schema.RequiredMode.REQUIRED)
			@NotNull(message = "is required") JsonNode payload,
			@Schema(description = "sender name shown to clients", defaultValue = RoomMessages.SYSTEM_SENDER) @Size(max = 256) String from) {
	}

	@Schema(description = "A system message for a clan's chat subscribers on every node, delivered as 'chat'.")
	record ClanMessage(
			@Schema(description = "message text", requiredMode = Schema.RequiredMode.REQUIRED)
			@NotNull(message = "is required") @Size(max = 4096) String content,
			@Schema(description = "sender shown to clients as userId", defaultValue = RoomMessages.SYSTEM_SENDER) @Size(max = 256) String from) {
	}

	/** The {@code chat} frame clients receive, as the clan chat family sends it. */
	record ClanChat(String messageId, String clanId, String userId, String content, String messageType,
			Instant timestamp) implements ServerMessage {

		@Override
		public String type() {
			return "chat";
		}

	}

	@Schema(description = "The message was handed to every node.")
	record Sent(@Schema(description = "the message id") String messageId) {
	}

	@Schema(description = "The notification was handed to every node.")
	record Accepted(@Schema(description = "the notification id") String id) {
	}

	@Schema(description = "The close was handed to every node.")
	record Closing(@Schema(description = "connections the cluster knew of that will be closed") int connections) {
	}

	@Schema(description = "A user's connections on every node.")
	record UserConnections(String userId, List<ConnectionInfo> connections) {
	}

}
