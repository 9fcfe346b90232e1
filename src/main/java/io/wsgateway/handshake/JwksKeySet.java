package io.wsgateway.handshake;

import java.io.IOException;
import java.net.URI;
import java.security.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signature keys of a JSON Web Key Set, by {@code kid}, fetched from {@code jwks-uri}
 * or from the address in the issuer's discovery document. Nothing is fetched before the
 * first token needs a key.
 *
 * <p>A token naming a {@code kid} the cached set lacks makes the set be fetched again, but
 * never sooner than {@code jwks-refresh-min} after the previous attempt, so made-up
 * {@code kid}s cost the provider at most one request per interval. A set older than
 * {@code jwks-max-age} is fetched again by whichever verification finds no fetch under way.
 * A failed fetch, or an answer without a usable key, keeps the keys cached so far and is
 * reported by {@link #status()}.
 */
final class JwksKeySet extends LocatorAdapter<Key> {

	private static final Logger logger = LoggerFactory.getLogger(JwksKeySet.class);

	private record Entry(Key key, String algorithm) {
	}

	private final JwksFetcher fetcher;

	private final URI jwksUri;

	private final URI issuerUri;

	private final long refreshMinNanos;

	private final long maxAgeNanos;

	private final long lockWaitMillis;

	private final ReentrantLock fetchLock = new ReentrantLock();

	private volatile Map<String, Entry> keys = Map.of();

	private volatile URI discoveredJwksUri;

	private volatile long fetchedNanos;

	private volatile Instant fetchedAt;

	private volatile boolean attempted;

	private volatile long attemptNanos;

	private volatile Instant attemptAt;

	private volatile String lastError;

	JwksKeySet(GatewaySecurityProperties.Jwt jwt) {
		this.fetcher = new JwksFetcher(jwt.jwksConnectTimeout(), jwt.jwksReadTimeout(), jwt.jwksMaxSize().toBytes());
		this.jwksUri = jwt.jwksUri();
		this.issuerUri = jwt.issuerUri();
		this.refreshMinNanos = jwt.jwksRefreshMin().toNanos();
		this.maxAgeNanos = jwt.jwksMaxAge().toNanos();
		// A verification that needs a fetch already under way waits for it, but no longer
		// than a discovery and a key set fetch can take.
		this.lockWaitMillis = jwt.jwksConnectTimeout().plus(jwt.jwksReadTimeout()).multipliedBy(2).toMillis();
	}

	@Override
	protected Key locate(JwsHeader header) {
		String kid = header.getKeyId();
		if (this.fetchedAt != null && System.nanoTime() - this.fetchedNanos > this.maxAgeNanos) {
			refresh(false);
		}
		Entry entry = find(kid);
		if (entry == null) {
			refresh(true);
			entry = find(kid);
		}
		if (entry == null) {
			throw new UnsupportedJwtException("no key in the key set for the token's kid");
		}
		return SigningKeys.checked(entry.key(), entry.algorithm(), header);
	}

	// A token without kid is verified only by a set of exactly one key: with more, trying
	// each would let one token cost many signature checks.
	private Entry find(String kid) {
		Map<String, Entry> current = this.keys;
		if (kid != null) {
			return current.get(kid);
		}
		return (current.size() == 1) ? current.values().iterator().next() : null;
	}

	private void refresh(boolean wait) {
		boolean locked;
		try {
			locked = wait ? this.fetchLock.tryLock(this.lockWaitMillis, TimeUnit.MILLISECONDS)
					: this.fetchLock.tryLock();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		if (!locked) {
			return;
		}
		try {
			long now = System.nanoTime();
			if (this.attempted && now - this.attemptNanos < this.refreshMinNanos) {
				return;
			}
			this.attempted = true;
			this.attemptNanos = now;
			this.attemptAt = Instant.now();
			try {
				this.keys = parse(this.fetcher.get(jwksUri()));
				this.fetchedNanos = now;
				this.fetchedAt = this.attemptAt;
				this.lastError = null;
				logger.info("JSON Web Key Set fetched: key ids {}", this.keys.keySet());
			}
			catch (IOException | RuntimeException ex) {
				this.lastError = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
				logger.warn("JSON Web Key Set not fetched, keeping {} cached key(s): {}", this.keys.size(), ex.toString());
			}
		}
		finally {
			this.fetchLock.unlock();
		}
	}

	private URI jwksUri() throws IOException {
		if (this.jwksUri != null) {
			return this.jwksUri;
		}
		if (this.discoveredJwksUri == null) {
			this.discoveredJwksUri = this.fetcher.discoverJwksUri(this.issuerUri);
		}
		return this.discoveredJwksUri;
	}

	private static Map<String, Entry> parse(String json) throws IOException {
		JwkSet set = Jwks.setParser().ignoreUnsupported(true).build().parse(json);
		Map<String, Entry> keys = new HashMap<>();
		for (Jwk<?> jwk : set) {
			Object use = jwk.get("use");
			if (!(jwk instanceof PublicJwk<?> publicJwk) || (use != null && !"sig".equals(use))) {
				continue;
			}
			Key key = publicJwk.toKey();
			if (!SigningKeys.algorithms(key).isEmpty()) {
				String id = (jwk.getId() != null) ? jwk.getId() : publicJwk.thumbprint().toString();
				keys.put(id, new Entry(key, jwk.getAlgorithm()));
			}
		}
		if (keys.isEmpty()) {
			throw new IOException("the key set holds no public signature key");
		}
		return Map.copyOf(keys);
	}

	/** Returns what the key set holds and how its last fetch went. */
	JwtKeyStatus status() {
		String source = (this.jwksUri != null) ? "jwks-uri" : "issuer-uri";
		Duration age = (this.fetchedAt != null) ? Duration.ofNanos(System.nanoTime() - this.fetchedNanos) : null;
		return new JwtKeyStatus(source, List.copyOf(this.keys.keySet()), this.fetchedAt, age, this.attemptAt,
				this.lastError);
	}

}
