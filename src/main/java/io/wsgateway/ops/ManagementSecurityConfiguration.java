package io.wsgateway.ops;

import io.wsgateway.handshake.JwtTokenVerifier;
import io.wsgateway.session.WebSocketProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.security.autoconfigure.SecurityProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * HTTP security: health and Prometheus are open for probes and scrapers, every other
 * Actuator endpoint, and Swagger UI unless {@code gateway.swagger-ui.open}, needs HTTP
 * Basic with {@code spring.security.user.*} or a gateway JWT with role {@code admin}, and
 * everything else, the WebSocket endpoint included, is left to the gateway's own handshake
 * checks (the console's static files under {@code /console/} are public: they hold no data).
 * Cross-origin reads only from {@code gateway.websocket.allowed-origins} ({@link ConsoleCors}).
 * Stateless, no CSRF: nothing here relies on a browser session cookie.
 */
@Configuration(proxyBeanMethods = false)
class ManagementSecurityConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ManagementSecurityConfiguration.class);

	/** springdoc's Swagger UI: the redirecting page and the UI's own files. */
	private static final RequestMatcher SWAGGER_UI = new OrRequestMatcher(
			PathPatternRequestMatcher.pathPattern("/swagger-ui.html"),
			PathPatternRequestMatcher.pathPattern("/swagger-ui/**"));

	@Bean
	@Order(1)
	SecurityFilterChain managementSecurity(HttpSecurity http, JwtTokenVerifier verifier, SwaggerUiProperties swaggerUi,
			WebSocketProperties origins) throws Exception {
		http.securityMatcher(new OrRequestMatcher(EndpointRequest.toAnyEndpoint(), SWAGGER_UI))
			.cors((cors) -> cors.configurationSource(ConsoleCors.source(origins.allowedOrigins())))
			.addFilterBefore(new AdminTokenAuthenticationFilter(verifier), BasicAuthenticationFilter.class)
			.authorizeHttpRequests((requests) -> {
				requests.requestMatchers(EndpointRequest.to("health", "prometheus")).permitAll();
				if (swaggerUi.open()) {
					requests.requestMatchers(SWAGGER_UI).permitAll();
				}
				requests.anyRequest().authenticated();
			})
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	/**
	 * The HTTP Basic user of the management chain, from {@code spring.security.user.*}, or
	 * none when no password is set. Declared so that Spring Boot's own user, with a password
	 * generated and logged at every start, never exists: without a configured password
	 * Basic refuses everyone and an {@code admin} JWT is the only way in.
	 */
	@Bean
	UserDetailsService managementUsers(SecurityProperties properties) {
		SecurityProperties.User user = properties.getUser();
		if (user.isPasswordGenerated()) {
			logger.info("No spring.security.user.password: HTTP Basic to the Actuator endpoints is off; "
					+ "a gateway JWT with role 'admin' still works");
			return new InMemoryUserDetailsManager();
		}
		String password = user.getPassword();
		// As Spring Boot does: a password without an {encoder} prefix is plain text.
		String encoded = password.matches("^\\{.+}.*$") ? password : "{noop}" + password;
		return new InMemoryUserDetailsManager(User.withUsername(user.getName())
			.password(encoded)
			.roles(user.getRoles().toArray(String[]::new))
			.build());
	}

	// Last: the server API's chain (io.wsgateway.api, order 2) must see /api/** first.
	@Bean
	@Order(3)
	SecurityFilterChain applicationSecurity(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.securityContext((context) -> context.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

}
