package io.wsgateway.session;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The WebSocket endpoint and the limits every connection lives under
 * ({@code gateway.websocket.*}).
 *
 * @param path the endpoint path
 * @param allowedOrigins allowed {@code Origin} patterns such as {@code https://*.example.com};
 * empty means same origin only. A request without {@code Origin} (not a browser) is allowed.
 * @param maxMessageSize the largest inbound text message; one byte more closes with 1009
 * @param heartbeatInterval period of server WebSocket pings; a connection that leaves two
 * pings in a row unanswered (no pong nor other traffic) while the node ran is closed
 * @param idleTimeout close a connection after this long without any inbound traffic
 * @param sendBufferLimit bytes queued for one client before it is closed as a slow consumer (4010)
 * @param sendTimeLimit longest one send may stay unfinished before the client is closed (4010)
 * @param compression whether to accept a client's offer of {@code permessage-deflate} (RFC 7692).
 * Off by default: a compressing connection keeps its zlib state for its whole life, about 80 KB
 * of native memory against the 3 to 5 KB an idle connection costs otherwise, and browsers offer it
 * on every connection.
 */
@ConfigurationProperties("gateway.websocket")
public record WebSocketProperties(
		@DefaultValue("/ws") String path,
		@DefaultValue List<String> allowedOrigins,
		@DefaultValue("512KB") DataSize maxMessageSize,
		@DefaultValue("30s") Duration heartbeatInterval,
		@DefaultValue("5m") Duration idleTimeout,
		@DefaultValue("1MB") DataSize sendBufferLimit,
		@DefaultValue("10s") Duration sendTimeLimit,
		@DefaultValue("false") boolean compression) {

}
