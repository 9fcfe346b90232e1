package io.wsgateway.protocol;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Per-connection message limits ({@code gateway.limits.*}).
 *
 * @param messagesPerSecond sustained inbound messages per connection; bursts of twice this
 * are allowed. An excess message is answered {@code rate_limited} and not processed.
 * @param maxViolations consecutive rate-limited messages after which the connection is
 * closed with 4008
 * @param maxRoomsPerConnection rooms one connection may be a member of at once; a
 * {@code join_room} beyond it is answered {@code limit_exceeded} and changes nothing. Each
 * membership costs the node about 0.6 KB of heap and a line in the {@code status} reply.
 */
@ConfigurationProperties("gateway.limits")
public record LimitsProperties(
		@DefaultValue("50") int messagesPerSecond,
		@DefaultValue("10") int maxViolations,
		@DefaultValue("100") int maxRoomsPerConnection) {

	public LimitsProperties {
		if (maxRoomsPerConnection < 1) {
			throw new IllegalArgumentException(
					"gateway.limits.max-rooms-per-connection must be at least 1, is " + maxRoomsPerConnection);
		}
	}

}
