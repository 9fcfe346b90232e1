package io.wsgateway.history;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.wsgateway.hub.ChannelHub;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.protocol.Identifiers;
import io.wsgateway.protocol.MessageCodec;
import io.wsgateway.protocol.MessageHandler;
import io.wsgateway.protocol.ServerMessage;
import io.wsgateway.session.ClientSession;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * {@code history {room | clanId, limit, before}} from a member of the room or a subscriber
 * of the clan chat ({@code forbidden} otherwise) → {@code history {room | clanId, epoch,
 * offset, messages}}: the newest {@code limit} (1 to 100, default 50) messages before
 * offset {@code before} (or the end), oldest first, each its frame without {@code type}.
 * A family without history answers {@code messages: []} and no {@code epoch}.
 */
@Component
class HistoryHandler implements MessageHandler<HistoryHandler.HistoryRequest> {

	static final int DEFAULT_LIMIT = 50;

	record HistoryRequest(@Pattern(regexp = Identifiers.PATTERN, message = Identifiers.MESSAGE) String room,
			@Pattern(regexp = Identifiers.PATTERN, message = Identifiers.MESSAGE) String clanId,
			@Min(value = 1, message = "must be 1 to 100") @Max(value = 100, message = "must be 1 to 100") Integer limit,
			@Min(value = 1, message = "must be an offset of 1 or more") Long before) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record HistoryReply(String room, String clanId, String epoch, long offset, List<JsonNode> messages)
			implements ServerMessage {

		@Override
		public String type() {
			return "history";
		}

	}

	private final ChannelHistory history;

	private final ChannelHub hub;

	private final MessageCodec codec;

	HistoryHandler(ChannelHistory history, ChannelHub hub, MessageCodec codec) {
		this.history = history;
		this.hub = hub;
		this.codec = codec;
	}

	@Override
	public String type() {
		return "history";
	}

	@Override
	public Class<HistoryRequest> messageClass() {
		return HistoryRequest.class;
	}

	@Override
	public CompletionStage<ServerMessage> handle(ClientSession session, HistoryRequest request) {
		if ((request.room() == null) == (request.clanId() == null)) {
			throw new GatewayException(ErrorCode.INVALID_MESSAGE,
					"exactly one of the fields 'room' and 'clanId' is required");
		}
		HistoryFamily family = (request.room() != null) ? HistoryFamily.ROOMS : HistoryFamily.CLANS;
		String id = (request.room() != null) ? request.room() : request.clanId();
		if (!this.hub.isMember(session, family.hubFamily(), id)) {
			throw new GatewayException(ErrorCode.FORBIDDEN, (family == HistoryFamily.ROOMS)
					? "not a member of room '" + id + "'" : "not subscribed to clan chat '" + id + "'");
		}
		if (!this.history.enabled(family)) {
			return MessageHandler.reply(new HistoryReply(request.room(), request.clanId(), null, 0, List.of()));
		}
		HistoryStore.Snapshot snapshot;
		try {
			snapshot = this.history.store()
				.newest(family.channel(id), this.history.retention(family),
						(request.before() != null) ? request.before() : 0,
						(request.limit() != null) ? request.limit() : DEFAULT_LIMIT);
		}
		catch (RuntimeException ex) {
			throw this.history.unavailable(ex);
		}
		List<JsonNode> messages = new ArrayList<>(snapshot.entries().size());
		for (HistoryStore.Entry entry : snapshot.entries()) {
			messages.add(this.codec.raw(Frames.withoutType(
					Frames.stamped(entry.frame(), entry.offset(), snapshot.epoch()), family.frameType())));
		}
		return MessageHandler.reply(
				new HistoryReply(request.room(), request.clanId(), snapshot.epoch(), snapshot.offset(), messages));
	}

}
