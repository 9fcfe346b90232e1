package io.wsgateway.api;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The server HTTP API under {@code /api/v1} ({@code gateway.api.*}).
 *
 * @param keys API keys accepted in the {@code X-API-Key} header besides a service JWT;
 * none by default. Treat them like passwords: they grant the whole API.
 * @param maxBodySize the largest request body; a larger one is refused with 413
 */
@ConfigurationProperties("gateway.api")
record ApiProperties(@DefaultValue List<String> keys, @DefaultValue("64KB") DataSize maxBodySize) {

	ApiProperties {
		keys = keys.stream().filter((key) -> key != null && !key.isBlank()).toList();
	}

}
