package io.wsgateway.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The other gateway nodes this node has heard of: when each was last heard, which ones
 * have gone silent for longer than {@code node-timeout}, and whether this node is the
 * oldest of the cluster, the one that publishes the backend's presence events.
 *
 * <p>Not thread-safe: {@link ClusterPresence} calls it under its lock.
 */
final class NodeDirectory {

	private static final class Node {

		private final String name;

		private final Instant startedAt;

		private long lastHeardNanos;

		Node(String name, Instant startedAt) {
			this.name = name;
			this.startedAt = startedAt;
		}

	}

	private final Map<String, Node> nodes = new HashMap<>();

	private final String instance;

	private final Instant startedAt;

	private final long startedNanos = System.nanoTime();

	private final Duration nodeTimeout;

	/**
	 * @param instance this node's process instance, which breaks a tie of start times
	 * @param startedAt when this node started, by its own clock
	 */
	NodeDirectory(String instance, Instant startedAt, Duration nodeTimeout) {
		this.instance = instance;
		this.startedAt = startedAt;
		this.nodeTimeout = nodeTimeout;
	}

	/**
	 * Records that another node was heard from now; called for every event it sends.
	 * @return whether the node is new to this directory
	 */
	boolean heard(String instance, String name, Instant startedAt) {
		Node known = this.nodes.get(instance);
		boolean added = known == null;
		if (added) {
			known = new Node(name, startedAt);
			this.nodes.put(instance, known);
		}
		known.lastHeardNanos = System.nanoTime();
		return added;
	}

	/** Returns whether the node is in the directory. */
	boolean knows(String instance) {
		return this.nodes.containsKey(instance);
	}

	/**
	 * Removes a node; called when it said goodbye or timed out.
	 * @return its name, or {@code null} if it was not known
	 */
	String forget(String instance) {
		Node gone = this.nodes.remove(instance);
		return (gone != null) ? gone.name : null;
	}

	/** Returns the nodes not heard of for more than {@code node-timeout}, by instance. */
	List<String> silent() {
		long now = System.nanoTime();
		List<String> silent = new ArrayList<>();
		this.nodes.forEach((instance, node) -> {
			if (now - node.lastHeardNanos > this.nodeTimeout.toNanos()) {
				silent.add(instance);
			}
		});
		return silent;
	}

	/** Returns the name a node gave, or {@code null} if it is not known. */
	String name(String instance) {
		Node node = this.nodes.get(instance);
		return (node != null) ? node.name : null;
	}

	/**
	 * Returns whether this node is still within one {@code node-timeout} of its start, when
	 * what the others report was there before it.
	 */
	boolean isStarting() {
		return System.nanoTime() - this.startedNanos < this.nodeTimeout.toNanos();
	}

	/** Returns whether this node is the oldest the cluster knows: earliest start, then lowest instance. */
	boolean isOldest() {
		for (Map.Entry<String, Node> other : this.nodes.entrySet()) {
			int older = other.getValue().startedAt.compareTo(this.startedAt);
			if (older < 0 || (older == 0 && other.getKey().compareTo(this.instance) < 0)) {
				return false;
			}
		}
		return true;
	}

	/** Returns how many other nodes are known. */
	int size() {
		return this.nodes.size();
	}

}
