package io.wsgateway.hub;

/**
 * Told of a channel's life on this node, for state kept per channel beside the hub (the
 * history's delivery order). Beans of this type are called by the {@link ChannelHub}.
 */
public interface ChannelListener {

	/**
	 * Called when the channel's last local member left or disconnected, after the node was
	 * unbound from the channel's events; a join may follow at once and bind it again.
	 */
	void channelClosed(Channel channel);

}
