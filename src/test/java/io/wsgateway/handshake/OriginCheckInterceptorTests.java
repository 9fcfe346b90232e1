package io.wsgateway.handshake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import io.wsgateway.session.WebSocketProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class OriginCheckInterceptorTests {

	private final List<HandshakeOutcome> outcomes = new ArrayList<>();

	private OriginCheckInterceptor allowing(String... patterns) {
		WebSocketProperties properties = new WebSocketProperties("/ws", List.of(patterns), DataSize.ofKilobytes(512),
				Duration.ofSeconds(30), Duration.ofMinutes(5), DataSize.ofMegabytes(1), Duration.ofSeconds(10), false);
		return new OriginCheckInterceptor(properties, this.outcomes::add);
	}

	private MockHttpServletResponse response;

	private boolean handshake(OriginCheckInterceptor interceptor, String origin) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ws");
		request.setScheme("https");
		request.setServerName("gateway.example.net");
		request.setServerPort(443);
		if (origin != null) {
			request.addHeader("Origin", origin);
		}
		this.response = new MockHttpServletResponse();
		return interceptor.beforeHandshake(new ServletServerHttpRequest(request), new ServletServerHttpResponse(this.response),
				null, new HashMap<>());
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://app.example.com", "https://a.b.example.com" })
	void allowsOriginsMatchingAPattern(String origin) throws Exception {
		assertThat(handshake(allowing("https://*.example.com"), origin)).isTrue();
		assertThat(this.outcomes).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://app.example.com", "https://app.example.com.evil.org", "https://evilexample.com",
			"https://example.org", "null" })
	void refusesOriginsOutsideThePatternsWith403(String origin) throws Exception {
		assertThat(handshake(allowing("https://*.example.com"), origin)).isFalse();
		assertThat(this.response.getStatus()).isEqualTo(403);
		assertThat(this.response.getContentAsString()).isEqualTo("origin not allowed\n");
		assertThat(this.response.getHeader("Retry-After")).isNull();
		assertThat(this.outcomes).containsExactly(HandshakeOutcome.FORBIDDEN_ORIGIN);
	}

	@Test
	void allowsPortPatterns() throws Exception {
		OriginCheckInterceptor interceptor = allowing("http://localhost:[*]");
		assertThat(handshake(interceptor, "http://localhost:3000")).isTrue();
		assertThat(handshake(interceptor, "http://127.0.0.1:3000")).isFalse();
	}

	@Test
	void allowsRequestsWithoutOrigin() throws Exception {
		assertThat(handshake(allowing("https://*.example.com"), null)).isTrue();
		assertThat(handshake(allowing(), null)).isTrue();
	}

	@Test
	void allowsOnlySameOriginWhenNoPatternIsConfigured() throws Exception {
		OriginCheckInterceptor sameOriginOnly = allowing();
		assertThat(handshake(sameOriginOnly, "https://gateway.example.net")).isTrue();
		assertThat(handshake(sameOriginOnly, "https://other.example.net")).isFalse();
		assertThat(handshake(sameOriginOnly, "http://gateway.example.net")).isFalse();
	}

	@Test
	void allowsSameOriginAlongsideConfiguredPatterns() throws Exception {
		assertThat(handshake(allowing("https://*.example.com"), "https://gateway.example.net")).isTrue();
	}

	@Test
	void allowsEveryOriginWithAWildcard() throws Exception {
		assertThat(handshake(allowing("*"), "https://anything.test")).isTrue();
	}

}
