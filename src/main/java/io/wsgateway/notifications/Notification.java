package io.wsgateway.notifications;

import io.wsgateway.protocol.ServerMessage;
import tools.jackson.databind.JsonNode;

/**
 * {@code notification}: sent to a user's sessions subscribed to notifications, for a
 * backend's event or the server API.
 *
 * @param createdAt ISO-8601, as the backend gave it or when the gateway received it
 */
public record Notification(String id, String title, String message, JsonNode data, String createdAt)
		implements ServerMessage {

	@Override
	public String type() {
		return "notification";
	}

}
