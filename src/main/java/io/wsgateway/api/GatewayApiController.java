package io.wsgateway.api;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.wsgateway.NodeProperties;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusProperties;
import io.wsgateway.bus.EventBus;
import io.wsgateway.history.ChannelHistory;
import io.wsgateway.notifications.Notification;
import io.wsgateway.presence.ClusterPresence;
import io.wsgateway.presence.ConnectionInfo;
import io.wsgateway.presence.RoomPresence;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.rooms.RoomMessages;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.socket.CloseStatus;

/**
 * The server API, {@code /api/v1}: lets backend services and operators reach users and
 * act on connections on every node. Messages and closes go through the event bus like
 * the gateway's own events, so they reach every node; reads are answered from this
 * node's cluster-wide presence view ({@link ClusterPresence}). Each method is called on a
 * servlet thread after {@link ApiSecurityConfiguration} let the request through.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "server API", description = "Reach users and manage connections on every gateway node")
class GatewayApiController {

	static final String USER_PATTERN_MESSAGE = "must be 1 to 256 characters";

	private static final String NOTIFICATION_USER_PREFIX = "notification.user.";

	private static final String ROOM_PREFIX = "room.";

	private static final String CLAN_PREFIX = "chat.clan.";

	private static final String BROADCAST_KEY = "broadcast.all";

	/** Printable ASCII up to the 123 bytes a WebSocket close frame has room for. */
	private static final String REASON_PATTERN = "[\\x20-\\x7E]{0,123}";

	private static final String CODE_DESCRIPTION = "close code: 1000 (normal) or an application code 4000-4999";

	private static final String NOT_FOUND = "no node holds this connection";

	private final EventBus bus;

	private final ChannelHistory history;

	private final MessageCodec codec;

	private final ClusterPresence presence;

	private final ConnectionCommands commands;

	private final String node;

	private final Duration publishTimeout;

	GatewayApiController(EventBus bus, MessageCodec codec, ClusterPresence presence, ConnectionCommands commands,
			NodeProperties node, BusProperties busProperties, ChannelHistory history) {
		this.bus = bus;
		this.history = history;
		this.codec = codec;
		this.presence = presence;
		this.commands = commands;
		this.node = node.nodeId();
		// The bus fails a publish itself after confirm-timeout; this only guards against a stage that never completes.
		this.publishTimeout = busProperties.confirmTimeout().plusSeconds(5);
	}

	@Operation(summary = "Send a notification to a user",
			description = "Delivered as 'notification' to the user's connections subscribed to notifications, on every node.")
	@ApiResponse(responseCode = "202", description = "handed to every node")
	@PostMapping(path = "/users/{userId}/messages", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<ApiMessages.Accepted> sendToUser(
			@PathVariable @Size(min = 1, max = 256, message = USER_PATTERN_MESSAGE) String userId,
			@Valid @RequestBody ApiMessages.UserMessage body) {
		if (body.title() == null && body.message() == null) {
			throw new ApiExceptionHandler.InvalidRequestException("pointer", "#", "needs a 'title' or a 'message'");
		}
		String id = (body.id() != null) ? body.id() : UUID.randomUUID().toString();
		publish(NOTIFICATION_USER_PREFIX + userId, "notification",
				new Notification(id, body.title(), body.message(), body.data(), Instant.now().toString()));
		return ResponseEntity.accepted().body(new ApiMessages.Accepted(id));
	}

	@Operation(summary = "Send a message to a room",
			description = "Delivered as 'room_message' {room, from, payload, timestamp} to the room's members on every node.")
	@ApiResponse(responseCode = "202", description = "handed to every node")
	@PostMapping(path = "/rooms/{room}/messages", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Void> sendToRoom(
			@PathVariable @Pattern(regexp = Identifiers.PATTERN, message = Identifiers.MESSAGE) String room,
			@Valid @RequestBody ApiMessages.Payload body) {
		publish(ROOM_PREFIX + room, "room", new RoomMessages.RoomMessage(room, sender(body), body.payload(), Instant.now()));
		return ResponseEntity.accepted().build();
	}

	@Operation(summary = "Send a message to a clan's chat",
			description = "Delivered as 'chat' {messageId, clanId, userId, content, messageType: TEXT, timestamp} "
					+ "to the clan's chat subscribers on every node, as a backend's chat.clan event is.")
	@ApiResponse(responseCode = "202", description = "handed to every node")
	@PostMapping(path = "/clans/{clanId}/messages", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<ApiMessages.Sent> sendToClan(
			@PathVariable @Pattern(regexp = Identifiers.PATTERN, message = Identifiers.MESSAGE) String clanId,
			@Valid @RequestBody ApiMessages.ClanMessage body) {
		String id = UUID.randomUUID().toString();
		String from = (body.from() != null) ? body.from() : RoomMessages.SYSTEM_SENDER;
		publish(CLAN_PREFIX + clanId, "chat",
				new ApiMessages.ClanChat(id, clanId, from, body.content(), "TEXT", Instant.now()));
		return ResponseEntity.accepted().body(new ApiMessages.Sent(id));
	}

	@Operation(summary = "Broadcast to every connection",
			description = "Delivered as 'broadcast' {from, payload, timestamp} to every connection on every node.")
	@ApiResponse(responseCode = "202", description = "handed to every node")
	@PostMapping(path = "/broadcast", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Void> broadcast(@Valid @RequestBody ApiMessages.Payload body) {
		publish(BROADCAST_KEY, "broadcast", new RoomMessages.Broadcast(sender(body), body.payload(), Instant.now()));
		return ResponseEntity.accepted().build();
	}

	@Operation(summary = "Close all of a user's connections",
			description = "Every node closes the user's connections it holds with the given code and reason.")
	@ApiResponse(responseCode = "202", description = "handed to every node")
	@DeleteMapping("/users/{userId}/connections")
	ResponseEntity<ApiMessages.Closing> closeUser(
			@PathVariable @Size(min = 1, max = 256, message = USER_PATTERN_MESSAGE) String userId,
			@Parameter(description = CODE_DESCRIPTION) @RequestParam(defaultValue = "1000") int code,
			@Parameter(description = "close reason, printable ASCII") @RequestParam(required = false) @Pattern(
					regexp = REASON_PATTERN, message = "must be at most 123 printable ASCII characters") String reason) {
		CloseStatus status = closeStatus(code, reason);
		int known = this.presence.connectionsOf(userId).size();
		await(this.commands.closeUser(userId, status));
		return ResponseEntity.accepted().body(new ApiMessages.Closing(known));
	}

	@Operation(summary = "Close one connection", description = "The node holding it closes it with the given code and reason.")
	@ApiResponse(responseCode = "202", description = "handed to every node")
	@ApiResponse(responseCode = "404", description = NOT_FOUND,
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(ref = OpenApiConfiguration.PROBLEM_REF)))
	@DeleteMapping("/connections/{connectionId}")
	ResponseEntity<ApiMessages.Closing> closeConnection(
			@PathVariable @Size(min = 1, max = 128, message = "must be 1 to 128 characters") String connectionId,
			@Parameter(description = CODE_DESCRIPTION) @RequestParam(defaultValue = "1000") int code,
			@Parameter(description = "close reason, printable ASCII") @RequestParam(required = false) @Pattern(
					regexp = REASON_PATTERN, message = "must be at most 123 printable ASCII characters") String reason) {
		CloseStatus status = closeStatus(code, reason);
		if (this.presence.connection(connectionId).isEmpty()) {
			throw notFound();
		}
		await(this.commands.closeConnection(connectionId, status));
		return ResponseEntity.accepted().body(new ApiMessages.Closing(1));
	}

	@Operation(summary = "Describe one connection", description = "From this node's cluster-wide presence view; "
			+ "lastActiveAt of another node's connection is as of that node's last heartbeat.")
	@ApiResponse(responseCode = "200", description = "the connection")
	@ApiResponse(responseCode = "404", description = NOT_FOUND,
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(ref = OpenApiConfiguration.PROBLEM_REF)))
	@GetMapping("/connections/{connectionId}")
	ConnectionInfo connection(
			@PathVariable @Size(min = 1, max = 128, message = "must be 1 to 128 characters") String connectionId) {
		return this.presence.connection(connectionId).orElseThrow(GatewayApiController::notFound);
	}

	@Operation(summary = "List a user's connections", description = "On every node, oldest first; empty if none.")
	@GetMapping("/users/{userId}/connections")
	ApiMessages.UserConnections userConnections(
			@PathVariable @Size(min = 1, max = 256, message = USER_PATTERN_MESSAGE) String userId) {
		return new ApiMessages.UserConnections(userId, this.presence.connectionsOf(userId));
	}

	@Operation(summary = "Who is in a room", description = "The users present in the room on every node, "
			+ "with the number of member connections of each; users within the presence grace period are not listed.")
	@GetMapping("/rooms/{room}/presence")
	RoomPresence roomPresence(
			@PathVariable @Pattern(regexp = Identifiers.PATTERN, message = Identifiers.MESSAGE) String room) {
		return this.presence.room(room);
	}

	private void publish(String routingKey, String kind, ServerMessage frame) {
		// A room's or clan chat's message gets its offset first when the family keeps history.
		await(this.history.publish(
				new BusEvent.Frame(routingKey, kind, this.codec.encode(frame).text(), this.node, null), this.bus::publish));
	}

	// Blocking keeps the request on its servlet thread (no async dispatch through the
	// security chain); the bus bounds the wait with its confirm timeout.
	private void await(CompletionStage<Void> published) {
		try {
			published.toCompletableFuture().get(this.publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof GatewayException gateway) {
				throw gateway;
			}
			throw unavailable();
		}
		catch (TimeoutException ex) {
			throw unavailable();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable();
		}
	}

	private static CloseStatus closeStatus(int code, String reason) {
		if (!ConnectionCommands.isCloseCode(code)) {
			throw new ApiExceptionHandler.InvalidRequestException("parameter", "code",
					"must be 1000 or 4000 to 4999");
		}
		return new CloseStatus(code, (reason != null) ? reason : "");
	}

	private static String sender(ApiMessages.Payload body) {
		return (body.from() != null) ? body.from() : RoomMessages.SYSTEM_SENDER;
	}

	private static GatewayException unavailable() {
		return new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "the message broker is unavailable, try again later");
	}

	private static ErrorResponseException notFound() {
		return new ErrorResponseException(HttpStatus.NOT_FOUND,
				ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, NOT_FOUND), null);
	}

}
