package io.wsgateway.history;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.wsgateway.bus.BusEvent;
import io.wsgateway.history.HistoryProperties.Retention;
import io.wsgateway.hub.Channel;
import io.wsgateway.hub.ChannelListener;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.OutboundFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The history of rooms and clan chats, as the message families use it (PROTOCOL.md section
 * 10): offsets for what is published ({@link #publish}), delivery in offset order with gaps
 * filled from the store ({@link #deliver}), and joins that reply with the channel's offset
 * and replay what a client missed ({@link Recoveries}). A family whose {@code size} is 0
 * goes through unchanged.
 */
@Component
public class ChannelHistory implements ChannelListener {

	private static final Logger logger = LoggerFactory.getLogger(ChannelHistory.class);

	private final HistoryStore store;

	private final HistoryProperties properties;

	private final HistoryMeters meters;

	private final ConcurrentHashMap<String, ChannelState> states = new ConcurrentHashMap<>();

	/** Sends one frame to many members except the connection {@code excluded} ({@code null} for none). */
	@FunctionalInterface
	public interface Sender {

		void send(Collection<ClientSession> members, OutboundFrame frame, String excluded);

	}

	ChannelHistory(HistoryStore store, HistoryProperties properties, HistoryMeters meters) {
		this.store = store;
		this.properties = properties;
		this.meters = meters;
	}

	/** Returns whether the family keeps history. */
	public boolean enabled(HistoryFamily family) {
		return retention(family).enabled();
	}

	/**
	 * Publishes an event through {@code publish}; an event of a channel with history gets its
	 * offset first, in its body and its fields. If the publish fails, the message is withdrawn
	 * from the store, so that no node fills a gap with a message its sender was refused.
	 * @throws GatewayException {@code service_unavailable} when the store cannot assign the
	 * offset (nothing was published)
	 */
	public CompletionStage<Void> publish(BusEvent.Frame event,
			Function<BusEvent.Frame, CompletionStage<Void>> publish) {
		HistoryFamily family = HistoryFamily.ofKey(event.routingKey());
		if (family == null || !family.kind().equals(event.kind()) || !enabled(family)) {
			return publish.apply(event);
		}
		String channel = family.channel(family.idOfKey(event.routingKey()));
		HistoryStore.Stamp stamp;
		try {
			stamp = this.store.append(channel, retention(family), event.body(), event.excludeConnection(), null);
		}
		catch (RuntimeException ex) {
			throw unavailable(ex);
		}
		BusEvent.Frame stamped = event.withOffset(Frames.stamped(event.body(), stamp.offset(), stamp.epoch()),
				stamp.offset(), stamp.epoch());
		return publish.apply(stamped).whenComplete((published, failure) -> {
			if (failure != null) {
				withdraw(channel, stamp.offset());
			}
		});
	}

	/**
	 * Delivers a bus event of a family with history to the channel's local members, in
	 * offset order and once each: an event from a gateway carries its offset; a backend's
	 * gets it here, the same on every node (keyed by its AMQP {@code message_id}, else by its
	 * body). When the store cannot stamp a backend's event, it is delivered without offset.
	 * @param frame the client frame (for a gateway's event, its body as it is)
	 * @param members the channel's local members (a live view is fine)
	 * @return the sessions addressed
	 */
	public int deliver(HistoryFamily family, String id, BusEvent event, OutboundFrame frame,
			Collection<ClientSession> members, Sender sender) {
		String channel = family.channel(id);
		Stamped message;
		if (event instanceof BusEvent.Frame gateway) {
			if (gateway.offset() <= 0 || gateway.epoch() == null) {
				sender.send(members, frame, gateway.excludeConnection());
				return members.size();
			}
			message = new Stamped(gateway.offset(), gateway.epoch(), frame, gateway.excludeConnection());
		}
		else {
			BusEvent.Backend backend = (BusEvent.Backend) event;
			try {
				HistoryStore.Stamp stamp = this.store.append(channel, retention(family), frame.text(), null,
						dedupeKey(backend));
				String stamped = Frames.stamped(frame.text(), stamp.offset(), stamp.epoch());
				message = new Stamped(stamp.offset(), stamp.epoch(), OutboundFrame.of(stamped, frame.type()), null);
			}
			catch (RuntimeException ex) {
				this.meters.storeFailed();
				logger.warn("History store unavailable ({}); a backend's event for {} goes out without offset",
						ex.toString(), channel);
				sender.send(members, frame, null);
				return members.size();
			}
		}
		return state(channel, family).deliver(message, members, sender);
	}

	/** Drops the channel's delivery state once its last local member left. */
	@Override
	public void channelClosed(Channel channel) {
		HistoryFamily family = HistoryFamily.of(channel);
		if (family != null) {
			this.states.computeIfPresent(family.channel(channel.name()), (name, state) -> state.idle() ? null : state);
		}
	}

	/** Returns the channels with delivery state on this node. */
	List<String> localChannels() {
		return List.copyOf(this.states.keySet());
	}

	HistoryStore store() {
		return this.store;
	}

	HistoryProperties properties() {
		return this.properties;
	}

	HistoryMeters meters() {
		return this.meters;
	}

	Retention retention(HistoryFamily family) {
		return (family == HistoryFamily.ROOMS) ? this.properties.rooms() : this.properties.clans();
	}

	ChannelState state(String channel, HistoryFamily family) {
		return this.states.computeIfAbsent(channel, (name) -> new ChannelState(name, family, this::gap));
	}

	/**
	 * Holds the session's live messages of the channel and runs {@code membership} (the
	 * join) under the channel's lock, so that no live message reaches the session directly
	 * before its reply. Returns the state, to be released after the reply.
	 */
	ChannelState hold(String channel, HistoryFamily family, ClientSession session, Runnable membership) {
		while (true) {
			ChannelState state = state(channel, family);
			synchronized (state) {
				// Dropped by channelClosed() meanwhile: a later delivery would use a new state.
				if (this.states.get(channel) == state) {
					state.hold(session);
					membership.run();
					return state;
				}
			}
		}
	}

	GatewayException unavailable(RuntimeException cause) {
		this.meters.storeFailed();
		logger.warn("History store unavailable: {}", cause.toString());
		return new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "history is unavailable, try again later");
	}

	private List<Stamped> gap(String channel, HistoryFamily family, String epoch, long after, long upTo) {
		if (upTo - after > this.properties.recoveryLimit()) {
			return List.of();
		}
		try {
			HistoryStore.Snapshot snapshot = this.store.read(channel, retention(family), after, upTo,
					this.properties.recoveryLimit());
			if (!snapshot.epoch().equals(epoch)) {
				return List.of();
			}
			List<Stamped> missing = snapshot.entries()
				.stream()
				.map((entry) -> Stamped.of(entry, epoch, family))
				.toList();
			this.meters.gapsFilled(missing.size());
			return missing;
		}
		catch (RuntimeException ex) {
			this.meters.storeFailed();
			return List.of();
		}
	}

	private void withdraw(String channel, long offset) {
		try {
			this.store.withdraw(channel, offset);
		}
		catch (RuntimeException ex) {
			this.meters.storeFailed();
			logger.warn("Could not withdraw offset {} of {} after its publish failed: {}", offset, channel,
					ex.toString());
		}
	}

	/** The message's name on every node: its AMQP message id, else a digest of its body. */
	static String dedupeKey(BusEvent.Backend event) {
		if (event.messageId() != null) {
			return "id:" + event.messageId();
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(event.body().getBytes(StandardCharsets.UTF_8));
			return "sha:" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
