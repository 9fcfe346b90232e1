package io.wsgateway.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wsgateway.session.ClientSession;
import io.wsgateway.session.OutboundFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's delivery order on this node: the last offset delivered to its local members,
 * and the sessions whose join is under way, whose live messages wait until their reply (and
 * replay) went out. Every method runs under the state's lock, so that the channel's messages
 * reach members one at a time, in offset order, each once: an offset at or below the last
 * delivered is a copy (another node's publish that arrived after a later one, a redelivery);
 * an offset more than one above it means messages this node never received, read from the
 * store first.
 */
final class ChannelState {

	private static final Logger logger = LoggerFactory.getLogger(ChannelState.class);

	private final String channel;

	private final HistoryFamily family;

	private final Gaps gaps;

	private final Map<ClientSession, List<Stamped>> held = new HashMap<>();

	// Sessions that got messages up to an offset this node has not delivered yet (their join
	// read the store ahead of the bus): the copies still on their way are not theirs.
	private final Map<ClientSession, Long> floors = new HashMap<>();

	private String epoch;

	// -1: not known yet; the first message or join read decides.
	private long delivered = -1;

	private volatile int holding;

	/** Reads the messages of a gap from the store. */
	interface Gaps {

		/**
		 * Returns the channel's messages with offsets {@code after + 1} to {@code upTo}, or an
		 * empty list when the store cannot tell them (unavailable, another epoch, too many).
		 */
		List<Stamped> read(String channel, HistoryFamily family, String epoch, long after, long upTo);

	}

	ChannelState(String channel, HistoryFamily family, Gaps gaps) {
		this.channel = channel;
		this.family = family;
		this.gaps = gaps;
	}

	/** Returns whether no join is under way, so that the state may be dropped with the channel's last member. */
	boolean idle() {
		return this.holding == 0;
	}

	/** Holds the session's live messages of this channel until {@link #release}. */
	synchronized void hold(ClientSession session) {
		this.held.put(session, new ArrayList<>());
		this.holding = this.held.size();
	}

	/**
	 * Delivers a live message to the members in order.
	 * @return the sessions addressed, 0 for a copy
	 */
	synchronized int deliver(Stamped message, Collection<ClientSession> members, ChannelHistory.Sender sender) {
		if (!message.epoch().equals(this.epoch)) {
			// A new epoch (history lost) starts at offset 1; a first message is taken as it comes.
			this.delivered = (this.epoch == null && this.delivered < 0) ? message.offset() - 1 : 0;
			this.epoch = message.epoch();
		}
		if (message.offset() <= this.delivered) {
			return 0;
		}
		int sent = 0;
		if (message.offset() > this.delivered + 1) {
			List<Stamped> missing = this.gaps.read(this.channel, this.family, this.epoch, this.delivered,
					message.offset() - 1);
			if (missing.isEmpty()) {
				logger.warn("Offsets {} to {} of {} could not be read from the history store; delivering {} "
						+ "without them", this.delivered + 1, message.offset() - 1, this.channel, message.offset());
			}
			for (Stamped gap : missing) {
				sent += send(gap, members, sender);
			}
		}
		sent += send(message, members, sender);
		this.delivered = message.offset();
		if (!this.floors.isEmpty()) {
			this.floors.values().removeIf((floor) -> floor <= this.delivered);
		}
		return sent;
	}

	/**
	 * Ends the session's hold: sends {@code replay}, then the live messages held for it after
	 * {@code from} (filling a gap between them from the store), so that what follows the
	 * reply is every message after {@code from} once, in order. Called right after the reply.
	 * @param from the offset the reply named (the channel's offset when it was read)
	 * @param epoch the epoch the reply named
	 */
	synchronized void release(ClientSession session, List<Stamped> replay, long from, String epoch) {
		if (this.epoch == null && epoch != null) {
			this.epoch = epoch;
			this.delivered = from;
		}
		List<Stamped> waiting = this.held.remove(session);
		this.holding = this.held.size();
		long sent = from;
		for (Stamped message : replay) {
			if (message.excluded() == null || !session.hasId(message.excluded())) {
				session.send(message.frame());
			}
		}
		if (waiting != null) {
			sent = drain(session, waiting, sent, epoch);
		}
		if (epoch != null && epoch.equals(this.epoch) && sent > this.delivered) {
			this.floors.put(session, sent);
		}
	}

	private long drain(ClientSession session, List<Stamped> waiting, long from, String epoch) {
		long sent = from;
		for (Stamped message : waiting) {
			if (epoch != null && message.epoch().equals(epoch)) {
				if (message.offset() <= sent) {
					continue;
				}
				if (message.offset() > sent + 1) {
					for (Stamped gap : this.gaps.read(this.channel, this.family, epoch, sent, message.offset() - 1)) {
						if (gap.excluded() == null || !session.hasId(gap.excluded())) {
							session.send(gap.frame());
						}
					}
				}
			}
			session.send(message.frame());
			sent = message.offset();
		}
		return sent;
	}

	/** Ends the session's hold without sending anything (its join failed). */
	synchronized void drop(ClientSession session) {
		this.held.remove(session);
		this.floors.remove(session);
		this.holding = this.held.size();
	}

	private int send(Stamped message, Collection<ClientSession> members, ChannelHistory.Sender sender) {
		if (this.held.isEmpty() && this.floors.isEmpty()) {
			sender.send(members, message.frame(), message.excluded());
			return members.size();
		}
		List<ClientSession> live = new ArrayList<>(members.size());
		for (ClientSession member : members) {
			List<Stamped> waiting = this.held.get(member);
			Long floor = this.floors.get(member);
			if (floor != null && message.offset() <= floor) {
				continue;
			}
			if (waiting == null) {
				live.add(member);
			}
			else if (message.excluded() == null || !member.hasId(message.excluded())) {
				waiting.add(message);
			}
		}
		sender.send(live, message.frame(), message.excluded());
		return members.size();
	}

}
