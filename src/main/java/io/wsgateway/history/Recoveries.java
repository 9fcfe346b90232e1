package io.wsgateway.history;

import java.util.List;

import io.wsgateway.history.HistoryMeters.Outcome;
import io.wsgateway.history.HistoryProperties.Retention;
import io.wsgateway.session.ClientSession;

import org.springframework.stereotype.Component;

/**
 * Joins of channels that may keep history ({@code join_room}, {@code subscribe_clan_chat}):
 * the reply's {@code offset}, {@code epoch} and {@code recovered}, and what follows it.
 *
 * <p>The session's live messages of the channel are held from the moment it becomes a
 * member; the store is read; the reply goes out; then the replay (when recovered), then the
 * held messages after the last offset sent, so that the client gets every message after its
 * offset once, in order, however many arrive meanwhile. Recovery is all or nothing: when the
 * gap cannot be filled whole, nothing is replayed.
 */
@Component
public class Recoveries {

	private static final Runnable NOTHING = () -> {
	};

	private final ChannelHistory history;

	Recoveries(ChannelHistory history) {
		this.history = history;
	}

	/**
	 * What a join answers, and what must follow the reply.
	 * @param offset the channel's current offset, {@code null} without history (or with the
	 * store unavailable)
	 * @param epoch the channel's epoch, {@code null} likewise
	 * @param recovered whether a {@code recover} was honoured, {@code null} without one
	 * @param afterReply to run right after the reply was sent, on the same thread
	 */
	public record Joined(Long offset, String epoch, Boolean recovered, Runnable afterReply) {
	}

	/**
	 * Makes the session a member by running {@code membership}, and answers as section 10
	 * says.
	 * @param recover the client's {@code recover}, or {@code null}
	 * @param undo takes the membership back when the join fails
	 * @throws io.wsgateway.protocol.GatewayException {@code service_unavailable} when a
	 * {@code recover} cannot be answered because the store is unavailable (the session is
	 * then not a member)
	 */
	public Joined join(HistoryFamily family, String id, ClientSession session, Recover recover, Runnable membership,
			Runnable undo) {
		if (!this.history.enabled(family)) {
			membership.run();
			if (recover != null) {
				this.history.meters().recovery(Outcome.NO_HISTORY);
			}
			return new Joined(null, null, (recover != null) ? Boolean.FALSE : null, NOTHING);
		}
		String channel = family.channel(id);
		ChannelState state = this.history.hold(channel, family, session, membership);
		Retention retention = this.history.retention(family);
		int limit = this.history.properties().recoveryLimit();
		HistoryStore.Snapshot snapshot;
		try {
			long after = (recover != null) ? recover.offset() : -1;
			snapshot = this.history.store().read(channel, retention, after, -1, limit);
		}
		catch (RuntimeException ex) {
			RuntimeException unavailable = this.history.unavailable(ex);
			if (recover != null) {
				state.drop(session);
				undo.run();
				throw unavailable;
			}
			return new Joined(null, null, null, () -> state.release(session, List.of(), -1, null));
		}
		if (recover == null) {
			return new Joined(snapshot.offset(), snapshot.epoch(), null,
					() -> state.release(session, List.of(), snapshot.offset(), snapshot.epoch()));
		}
		Outcome outcome = outcome(recover, snapshot, limit);
		this.history.meters().recovery(outcome);
		List<Stamped> replay = (outcome != Outcome.RECOVERED) ? List.of()
				: snapshot.entries().stream().map((entry) -> Stamped.of(entry, snapshot.epoch(), family)).toList();
		return new Joined(snapshot.offset(), snapshot.epoch(), outcome == Outcome.RECOVERED,
				() -> state.release(session, replay, snapshot.offset(), snapshot.epoch()));
	}

	static Outcome outcome(Recover recover, HistoryStore.Snapshot snapshot, int limit) {
		if (!recover.epoch().equals(snapshot.epoch())) {
			return Outcome.EPOCH_CHANGED;
		}
		if (recover.offset() > snapshot.offset()) {
			return Outcome.AHEAD;
		}
		if (recover.offset() == snapshot.offset()) {
			return Outcome.RECOVERED;
		}
		if (snapshot.offset() - recover.offset() > limit) {
			return Outcome.TOO_MANY;
		}
		if (snapshot.first() == 0 || snapshot.first() > recover.offset() + 1) {
			return Outcome.TOO_OLD;
		}
		return Outcome.RECOVERED;
	}

}
