package io.wsgateway;

import java.util.UUID;

import org.springframework.stereotype.Component;

/**
 * This node, as the rest of the cluster knows it: its name ({@code gateway.node-id}), shown
 * in {@code status}, metrics and the console, and this process's instance id, which marks
 * the events it publishes, names its bus queue and tells its presence and console samples
 * apart from another process of the same name (two pods that share a host name, or a
 * restart whose old queue is still there).
 */
@Component
public final class NodeIdentity {

	private final String name;

	private final String instance;

	public NodeIdentity(NodeProperties properties) {
		this.name = properties.nodeId();
		this.instance = this.name + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** Returns the node's name, {@code gateway.node-id}. */
	public String name() {
		return this.name;
	}

	/** Returns this process's id: the node's name and a random suffix, chosen at start-up. */
	public String instance() {
		return this.instance;
	}

}
