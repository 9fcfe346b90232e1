package io.wsgateway.handshake;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Token verification, the costliest handshake check: one HS256 token with the gateway's
 * claims through {@link JwtTokenVerifier} (parse, verify the signature, check the times,
 * build the identity).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenBenchmark {

	private static final String SECRET = "token-benchmark-secret-0123456789-0123456789";

	private JwtTokenVerifier verifier;

	private String token;

	@Setup
	public void setUp() {
		this.verifier = new JwtTokenVerifier(properties("jwt.secret", SECRET));
		this.token = Jwts.builder()
			.subject("user-12345")
			.claim("roles", List.of("member"))
			.claim("clans", List.of("clan-1", "clan-2"))
			.expiration(Date.from(Instant.now().plus(2, ChronoUnit.HOURS)))
			.signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)))
			.compact();
	}

	@Benchmark
	public Object verify() throws InvalidTokenException {
		return this.verifier.verify(this.token);
	}

}
