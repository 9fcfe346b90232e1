package io.wsgateway.session;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many connections one user may hold ({@code gateway.sessions.*}).
 *
 * @param perUser {@code multiple} (every connection stays) or {@code single} (a newer
 * connection of the same user closes the older one with 4009)
 */
@ConfigurationProperties("gateway.sessions")
public record SessionsProperties(@DefaultValue("multiple") PerUserPolicy perUser) {

	/** What happens to a user's open connections when the same user connects again. */
	public enum PerUserPolicy {

		/** Every connection stays open. */
		MULTIPLE,

		/** The newer connection replaces the older ones, which are closed with 4009. */
		SINGLE

	}

}
