package io.wsgateway.handshake;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.Keys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Token verification, the costliest handshake check, through {@link JwtTokenVerifier}
 * (parse, locate the key, verify the signature, check the times and claims, build the
 * identity): an HS256 token with the configured secret, and RS256 and ES256 tokens whose
 * keys come from a JSON Web Key Set by {@code kid} (served on loopback and fetched once in
 * the setup, so the figures are the per-handshake cost with a warm key cache).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenBenchmark {

	private static final String SECRET = "token-benchmark-secret-0123456789-0123456789";

	private JwtTokenVerifier hmacVerifier;

	private JwtTokenVerifier jwksVerifier;

	private HttpServer jwksServer;

	private String hs256;

	private String rs256;

	private String es256;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		this.hmacVerifier = new JwtTokenVerifier(properties("jwt.secret", SECRET));
		this.hs256 = claims(Jwts.builder()).signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)))
			.compact();
		KeyPair rsa = Jwts.SIG.RS256.keyPair().build();
		KeyPair ec = Jwts.SIG.ES256.keyPair().build();
		this.rs256 = claims(Jwts.builder().header().keyId("rsa-1").and()).signWith(rsa.getPrivate()).compact();
		this.es256 = claims(Jwts.builder().header().keyId("ec-1").and()).signWith(ec.getPrivate()).compact();
		String keySet = "{\"keys\":[" + Jwks.json(Jwks.builder().key(rsa.getPublic()).id("rsa-1").build()) + ","
				+ Jwks.json(Jwks.builder().key(ec.getPublic()).id("ec-1").build()) + "]}";
		this.jwksServer = serve(keySet);
		this.jwksVerifier = new JwtTokenVerifier(properties("jwt.jwks-uri",
				"http://127.0.0.1:" + this.jwksServer.getAddress().getPort() + "/jwks"));
		this.jwksVerifier.verify(this.rs256);
		this.jwksVerifier.verify(this.es256);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.jwksServer.stop(0);
	}

	@Benchmark
	public Object verify() throws InvalidTokenException {
		return this.hmacVerifier.verify(this.hs256);
	}

	@Benchmark
	public Object verifyRs256FromJwks() throws InvalidTokenException {
		return this.jwksVerifier.verify(this.rs256);
	}

	@Benchmark
	public Object verifyEs256FromJwks() throws InvalidTokenException {
		return this.jwksVerifier.verify(this.es256);
	}

	private static JwtBuilder claims(JwtBuilder builder) {
		return builder.subject("user-12345")
			.claim("roles", List.of("member"))
			.claim("clans", List.of("clan-1", "clan-2"))
			.expiration(Date.from(Instant.now().plus(2, ChronoUnit.HOURS)));
	}

	private static HttpServer serve(String keySet) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/jwks", (exchange) -> {
			byte[] body = keySet.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.start();
		return server;
	}

	static GatewaySecurityProperties properties(String... namesAndValues) {
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			map.put("gateway.security." + namesAndValues[i], namesAndValues[i + 1]);
		}
		return new Binder(new MapConfigurationPropertySource(map)).bindOrCreate("gateway.security",
				GatewaySecurityProperties.class);
	}

}
