package oidcprovider;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A real OpenID provider for tests: Spring Authorization Server in its own application
 * context on a random port, with OpenID discovery, a JWKS endpoint whose requests are
 * counted, RSA keys that can be rotated and an EC key. It lives outside {@code io.wsgateway}
 * so that no gateway context's component scan ever finds it.
 *
 * <p>Tokens come from the client-credentials grant; for user-like tokens a token customizer
 * takes {@code sub}, {@code roles}, {@code clans} and {@code alg} (RS256 or ES256) from extra
 * parameters of the token request.
 * <pre>{@code
 * try (OpenIdProvider provider = OpenIdProvider.start()) {
 *     String token = provider.userToken(OpenIdProvider.LONG_LIVED, "alice", List.of(), List.of("c1"));
 * }
 * }</pre>
 */
public final class OpenIdProvider implements AutoCloseable {

	/** A client whose access tokens live ten minutes. */
	public static final String LONG_LIVED = "service-client";

	/** A client whose access tokens live {@link #SHORT_TTL}. */
	public static final String SHORT_LIVED = "short-client";

	public static final Duration SHORT_TTL = Duration.ofSeconds(4);

	private static final String SECRET = "provider-test-secret";

	private final ConfigurableApplicationContext context;

	private final Keys keys;

	private final HttpClient http = HttpClient.newHttpClient();

	private OpenIdProvider(ConfigurableApplicationContext context) {
		this.context = context;
		this.keys = context.getBean(Keys.class);
	}

	/** Starts a provider on a random port of 127.0.0.1. */
	public static OpenIdProvider start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ProviderConfiguration.class)
			.properties("spring.config.name=oidc-provider", "server.port=0", "server.address=127.0.0.1",
					"spring.main.banner-mode=off", "management.endpoints.web.exposure.include=",
					"management.health.rabbit.enabled=false", "logging.level.root=WARN")
			.run();
		return new OpenIdProvider(context);
	}

	/** Returns the issuer, which is also the base of its discovery document's address. */
	public String issuer() {
		return "http://127.0.0.1:" + port();
	}

	/** Returns the address of its key set. */
	public URI jwksUri() {
		return URI.create(issuer() + "/oauth2/jwks");
	}

	public int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	/** Returns how many times its key set was requested. */
	public int jwksRequests() {
		return this.keys.jwksRequests.get();
	}

	/** Returns the id of the RSA key that signs now. */
	public String currentKid() {
		return this.keys.signing.getKeyID();
	}

	/** Makes a new RSA key the signing key; the set keeps the older keys, as providers do during a rotation. */
	public String rotate() {
		return this.keys.rotate();
	}

	/** Returns a client-credentials token of {@code clientId} as issued, {@code sub} being the client id. */
	public String clientToken(String clientId) {
		return token(clientId, Map.of());
	}

	/** Returns an RS256 token of {@code clientId} for user {@code sub} with these roles and clans. */
	public String userToken(String clientId, String sub, List<String> roles, List<String> clans) {
		return token(clientId, Map.of("sub", sub, "roles", String.join(",", roles), "clans", String.join(",", clans)));
	}

	/** Returns an ES256 token of {@code clientId} for user {@code sub}. */
	public String ecToken(String clientId, String sub) {
		return token(clientId, Map.of("sub", sub, "alg", "ES256"));
	}

	private String token(String clientId, Map<String, String> parameters) {
		Map<String, String> form = new LinkedHashMap<>(parameters);
		form.put("grant_type", "client_credentials");
		String body = form.entrySet()
			.stream()
			.map((e) -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		String basic = Base64.getEncoder().encodeToString((clientId + ":" + SECRET + "-" + clientId).getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/token"))
			.header("Authorization", "Basic " + basic)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("token request failed: " + response.statusCode() + " " + response.body());
			}
			return JsonMapper.builder().build().readTree(response.body()).get("access_token").asString();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Stops the provider: its address refuses connections from now on. */
	@Override
	public void close() {
		this.context.close();
	}

	/** The provider's keys: rotating RSA keys and one EC key, all published. */
	static final class Keys implements JWKSource<SecurityContext> {

		final AtomicInteger jwksRequests = new AtomicInteger();

		private final JWK ec;

		private final List<JWK> published = new ArrayList<>();

		private volatile JWK signing;

		private volatile JWKSet set;

		Keys() {
			this.ec = generate(true);
			rotate();
		}

		synchronized String rotate() {
			this.signing = generate(false);
			this.published.add(0, this.signing);
			List<JWK> all = new ArrayList<>(this.published);
			all.add(this.ec);
			this.set = new JWKSet(all);
			return this.signing.getKeyID();
		}

		private static JWK generate(boolean ec) {
			try {
				String kid = UUID.randomUUID().toString();
				return ec ? new ECKeyGenerator(Curve.P_256).keyID(kid).generate()
						: new RSAKeyGenerator(2048).keyID(kid).generate();
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public List<JWK> get(com.nimbusds.jose.jwk.JWKSelector selector, SecurityContext context) {
			return selector.select(this.set);
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ProviderConfiguration {

		@Bean
		Keys keys() {
			return new Keys();
		}

		@Bean
		SecurityFilterChain provider(HttpSecurity http) throws Exception {
			http.oauth2AuthorizationServer((server) -> server.oidc(Customizer.withDefaults()))
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
			return http.build();
		}

		@Bean
		RegisteredClientRepository clients() {
			return new InMemoryRegisteredClientRepository(client(LONG_LIVED, Duration.ofMinutes(10)),
					client(SHORT_LIVED, SHORT_TTL));
		}

		private static RegisteredClient client(String id, Duration ttl) {
			return RegisteredClient.withId(id)
				.clientId(id)
				.clientSecret("{noop}" + SECRET + "-" + id)
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.tokenSettings(TokenSettings.builder().accessTokenTimeToLive(ttl).build())
				.build();
		}

		@Bean
		AuthorizationServerSettings settings() {
			return AuthorizationServerSettings.builder().build();
		}

		@Bean
		OAuth2TokenCustomizer<JwtEncodingContext> userClaims(Keys keys) {
			return (context) -> {
				if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
					return;
				}
				Map<String, Object> parameters = (context
					.getAuthorizationGrant() instanceof OAuth2ClientCredentialsAuthenticationToken grant)
							? grant.getAdditionalParameters() : Map.of();
				if (parameters.get("sub") instanceof String sub) {
					context.getClaims().subject(sub);
				}
				for (String claim : List.of("roles", "clans")) {
					if (parameters.get(claim) instanceof String values) {
						context.getClaims()
							.claim(claim, values.isEmpty() ? List.of() : List.of(values.split(",")));
					}
				}
				if ("ES256".equals(parameters.get("alg"))) {
					context.getJwsHeader().algorithm(SignatureAlgorithm.ES256).keyId(keys.ec.getKeyID());
				}
				else {
					context.getJwsHeader().algorithm(SignatureAlgorithm.RS256).keyId(keys.signing.getKeyID());
				}
			};
		}

		@Bean
		FilterRegistrationBean<Filter> jwksRequestCounter(Keys keys) {
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
				if (((HttpServletRequest) request).getRequestURI().equals("/oauth2/jwks")) {
					keys.jwksRequests.incrementAndGet();
				}
				chain.doFilter(request, response);
			});
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

}
