package io.wsgateway.dev;

import java.time.Duration;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code dev} profile's token desk, {@code POST /dev/token} ({@code gateway.dev.*}).
 * Bound in every profile, used only in {@code dev}.
 *
 * @param apiKey the server API key the demo page uses for "send a test notification"; the
 * {@code dev} profile sets it and adds it to {@code gateway.api.keys}. {@code GET /dev/config}
 * hands it to the page. None by default.
 * @param tokenTtl lifetime of a token asked for without {@code ttl}
 * @param maxTokenTtl the longest {@code ttl} a token may be asked for; longer is 400
 * @param maxClaimValues the most entries of {@code roles} and of {@code clans} in one
 * request; more is 400
 */
@ConfigurationProperties("gateway.dev")
@Validated
record DevProperties(String apiKey, @DefaultValue("1h") Duration tokenTtl, @DefaultValue("24h") Duration maxTokenTtl,
		@DefaultValue("32") @Min(1) int maxClaimValues) {

	DevProperties {
		if (tokenTtl.isNegative() || tokenTtl.isZero() || tokenTtl.compareTo(maxTokenTtl) > 0) {
			throw new IllegalArgumentException("gateway.dev.token-ttl must be positive and at most gateway.dev.max-token-ttl");
		}
	}

}
