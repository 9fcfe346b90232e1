package io.wsgateway.dev;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import javax.crypto.SecretKey;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.wsgateway.handshake.GatewaySecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code dev} profile's token desk, so that every feature can be tried on one's own
 * machine: {@code POST /dev/token} signs a token for any user, roles and clans with the
 * gateway's own HMAC key, and {@code GET /dev/config} tells the demo page the server API
 * key the profile set. In every other profile neither exists (404). Each method is called
 * on a servlet thread; no credential is asked for, the profile's loopback address is the
 * protection.
 */
@RestController
@Profile("dev")
@RequestMapping("/dev")
class DevTokenController {

	private static final Logger logger = LoggerFactory.getLogger(DevTokenController.class);

	private final SecretKey key;

	private final DevProperties properties;

	DevTokenController(GatewaySecurityProperties security, DevProperties properties, ServerProperties server) {
		String secret = security.jwt().secret();
		if (secret == null || secret.isEmpty()) {
			throw new IllegalStateException("The dev profile's POST /dev/token signs with gateway.security.jwt.secret, "
					+ "which is not set (a public key cannot sign): keep the dev profile's secret or set another");
		}
		this.key = Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));
		this.properties = properties;
		logger.warn("Dev profile: POST /dev/token signs tokens for any user with gateway.security.jwt.secret, which "
				+ "this profile sets to a key published with the source code, and GET /dev/config hands out the dev "
				+ "API key. Never use the dev profile, its key or its API key anywhere but your own machine. "
				+ "Listening on {}", (server.getAddress() != null) ? server.getAddress().getHostAddress() : "every address");
	}

	/** Called for {@code POST /dev/token}; returns {@code 200 {"token"}}, or 400 with each invalid field. */
	@PostMapping(path = "/token", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> token(@RequestBody DevTokenRequest request) {
		List<Map<String, String>> problems = request.problems(this.properties);
		if (!problems.isEmpty()) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"the request is invalid; see errors");
			problem.setProperty("errors", problems);
			return ResponseEntity.badRequest().body(problem);
		}
		Instant now = Instant.now();
		Duration ttl = (request.ttl() != null) ? Duration.ofSeconds(request.ttl()) : this.properties.tokenTtl();
		String token = Jwts.builder()
			.header()
			.type("JWT")
			.and()
			.subject(request.sub())
			.claim("roles", request.roles())
			.claim("clans", request.clans())
			.issuedAt(Date.from(now))
			.expiration(Date.from(now.plus(ttl)))
			.signWith(this.key, Jwts.SIG.HS256)
			.compact();
		return ResponseEntity.ok(Map.of("token", token));
	}

	/** Called for {@code GET /dev/config}; returns what the demo page needs from the profile. */
	@GetMapping("/config")
	Map<String, Object> config() {
		return Map.of("apiKey", (this.properties.apiKey() != null) ? this.properties.apiKey() : "", "tokenTtl",
				this.properties.tokenTtl().toSeconds(), "maxTokenTtl", this.properties.maxTokenTtl().toSeconds());
	}

}
