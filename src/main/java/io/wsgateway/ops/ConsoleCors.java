package io.wsgateway.ops;

import java.time.Duration;
import java.util.List;

import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * Cross-origin access to Actuator and the server API, for an operator console served from
 * another origin: allowed only from {@code gateway.websocket.allowed-origins}, the same
 * patterns the WebSocket handshake accepts; with none configured, same origin only. No
 * credentials mode: a browser never sends cookies or a cached Basic login across origins,
 * so a console on another origin signs in with a token it sends itself.
 */
public final class ConsoleCors {

	private ConsoleCors() {
	}

	/** Returns the CORS rules for the given origin patterns; called when the security chains are built. */
	public static CorsConfigurationSource source(List<String> allowedOrigins) {
		if (allowedOrigins.isEmpty()) {
			return (request) -> null;
		}
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.setAllowedOriginPatterns(allowedOrigins);
		configuration.setAllowedMethods(List.of("GET", "POST", "DELETE"));
		configuration.setAllowedHeaders(List.of("Authorization", "Content-Type", "X-API-Key", "X-Requested-With"));
		configuration.setExposedHeaders(List.of("Retry-After"));
		configuration.setAllowCredentials(false);
		configuration.setMaxAge(Duration.ofHours(1));
		return (request) -> configuration;
	}

}
