package io.wsgateway.handshake;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How handshakes are authenticated ({@code gateway.security.*}).
 *
 * @param anonymous accept connections without a token; their user id is
 * {@code anon-<connectionId>}. A token that is present but invalid is still refused. On, the
 * node logs a warning at start; off and without a key ({@code secret}, {@code public-key},
 * {@code jwks-uri} or {@code issuer-uri}), the node refuses to start.
 * @param jwt how tokens are verified
 */
@ConfigurationProperties("gateway.security")
public record GatewaySecurityProperties(@DefaultValue("false") boolean anonymous, @DefaultValue Jwt jwt) {

	/**
	 * Token verification settings. Exactly one key source is needed unless anonymous access
	 * is on: {@code secret} (with {@code previousSecret} during a rotation), {@code publicKey},
	 * or a JSON Web Key Set from {@code jwksUri} or from the discovery document of
	 * {@code issuerUri}.
	 *
	 * @param secret HMAC-SHA256 key as raw text of at least 32 bytes
	 * @param previousSecret the HMAC secret being rotated out, accepted beside {@code secret}
	 * (at least 32 bytes)
	 * @param publicKey PEM RSA or EC public key
	 * @param jwksUri where the JSON Web Key Set is fetched (RSA, EC and Ed25519 keys by
	 * {@code kid})
	 * @param issuer the required {@code iss}; defaults to {@code issuer-uri} when that is
	 * set, and must equal it when both are
	 * @param issuerUri an OpenID Connect issuer: the key set comes from its
	 * {@code /.well-known/openid-configuration} (whose {@code issuer} must equal it), and
	 * every token's {@code iss} must equal it. With {@code jwks-uri} as well, the key set
	 * comes from {@code jwks-uri}.
	 * @param audiences accepted {@code aud} values: a token must name at least one; empty
	 * checks nothing
	 * @param clockSkew tolerance on {@code exp} and {@code nbf}; a connection is closed with
	 * 1008 this long after its token's {@code exp}
	 * @param jwksRefreshMin shortest time between two fetches of the key set, however many
	 * tokens name a {@code kid} it does not hold
	 * @param jwksMaxAge age after which a cached key set is fetched again, so that keys the
	 * provider withdrew stop verifying
	 * @param jwksConnectTimeout connect timeout of a key set or discovery fetch
	 * @param jwksReadTimeout longest wait for a key set or discovery response, body included
	 * @param jwksMaxSize largest key set or discovery response accepted
	 */
	// @param issuer stays above @param issuerUri: the configuration processor describes a
	// component with the first @param that starts with its name.
	public record Jwt(String secret, String previousSecret, String publicKey, URI jwksUri, URI issuerUri,
			String issuer, @DefaultValue List<String> audiences, @DefaultValue("30s") Duration clockSkew,
			@DefaultValue("30s") Duration jwksRefreshMin, @DefaultValue("10m") Duration jwksMaxAge,
			@DefaultValue("3s") Duration jwksConnectTimeout, @DefaultValue("5s") Duration jwksReadTimeout,
			@DefaultValue("256KB") DataSize jwksMaxSize) {

		/** Returns the {@code iss} every token must carry, or {@code null} to check none. */
		public String requiredIssuer() {
			if (hasText(this.issuer)) {
				return this.issuer;
			}
			return (this.issuerUri != null) ? this.issuerUri.toString() : null;
		}

		static boolean hasText(String value) {
			return value != null && !value.isBlank();
		}

	}

}
