package io.wsgateway.history;

import io.wsgateway.session.OutboundFrame;

/**
 * A channel's message ready for its members: the frame carries {@code offset} and
 * {@code epoch}.
 * @param excluded the connection that must not receive it (its sender's), or {@code null}
 */
record Stamped(long offset, String epoch, OutboundFrame frame, String excluded) {

	static Stamped of(HistoryStore.Entry entry, String epoch, HistoryFamily family) {
		return new Stamped(entry.offset(), epoch,
				OutboundFrame.of(Frames.stamped(entry.frame(), entry.offset(), epoch), family.frameType()),
				entry.excluded());
	}

}
