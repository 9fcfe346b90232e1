package io.wsgateway.ops;

import io.wsgateway.handshake.JwtKeyStatus;
import io.wsgateway.handshake.JwtTokenVerifier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code jwt} health contributor: where token keys come from and, for a JSON Web Key
 * Set, its key ids, age and the last fetch's error. UP while keys are at hand, also when the
 * provider is failing and the cached keys are kept ({@code stale: true}); DOWN while a key
 * set is configured but none was fetched and the last attempt failed; UNKNOWN before the
 * first token asked for a key. Not part of readiness: a node without keys refuses tokens but
 * still serves anonymous clients and open connections.
 */
@Component("jwtHealthIndicator")
class JwtHealthIndicator implements HealthIndicator {

	private final JwtTokenVerifier verifier;

	JwtHealthIndicator(JwtTokenVerifier verifier) {
		this.verifier = verifier;
	}

	@Override
	public Health health() {
		JwtKeyStatus status = this.verifier.keyStatus();
		Health.Builder health;
		if (!status.awaitingKeys()) {
			health = Health.up();
		}
		else {
			health = status.failing() ? Health.down() : Health.unknown();
		}
		health.withDetail("source", status.source());
		if (status.source().equals("jwks-uri") || status.source().equals("issuer-uri")) {
			health.withDetail("keyIds", status.keyIds()).withDetail("stale", status.failing());
			if (status.fetchedAt() != null) {
				health.withDetail("fetchedAt", status.fetchedAt().toString())
					.withDetail("ageSeconds", status.age().toSeconds());
			}
			if (status.lastAttemptAt() != null) {
				health.withDetail("lastAttemptAt", status.lastAttemptAt().toString());
			}
			if (status.failing()) {
				health.withDetail("lastError", status.lastError());
			}
		}
		return health.build();
	}

}
