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
 */
@ConfigurationProperties("gateway.limits")
public record LimitsProperties(
		@DefaultValue("50") int messagesPerSecond,
		@DefaultValue("10") int maxViolations) {

}
