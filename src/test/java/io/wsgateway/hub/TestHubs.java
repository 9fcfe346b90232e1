package io.wsgateway.hub;

import java.util.List;

import io.wsgateway.bus.EventBus;

/** Hubs for the unit tests of the feature packages, which cannot reach the hub's constructor. */
public final class TestHubs {

	private TestHubs() {
	}

	/**
	 * Returns a hub on the bus that delivers on the calling thread, as with
	 * {@code fan-out-threads=1}, and tells the listeners of closed channels.
	 */
	public static ChannelHub hub(EventBus bus, ChannelListener... listeners) {
		return new ChannelHub(bus, new FanOut(1, 1), List.of(listeners));
	}

	/**
	 * Returns a hub on the bus whose fan-out spreads a channel of at least
	 * {@value FanOut#PARALLEL_FROM} local members over {@code threads} threads, as the
	 * application's does with {@code gateway.rooms.fan-out-threads}.
	 */
	public static ChannelHub parallelHub(EventBus bus, int threads, int backlog) {
		return new ChannelHub(bus, new FanOut(threads, backlog), List.of());
	}

	/**
	 * Returns a channel family with this id and key prefix whose channels show in
	 * {@code status} as {@code subscriptionPrefix + name}, or not at all when it is {@code null}.
	 */
	public static ChannelFamily family(String id, String keyPrefix, String subscriptionPrefix) {
		return new ChannelFamily() {

			@Override
			public String id() {
				return id;
			}

			@Override
			public String keyPrefix() {
				return keyPrefix;
			}

			@Override
			public String subscription(String name) {
				return (subscriptionPrefix != null) ? subscriptionPrefix + name : null;
			}

		};
	}

}
