package io.wsgateway.handshake;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeRejectionTests {

	@Test
	void roundsRetryAfterUpToWholeSecondsAndNeverToZero() {
		assertThat(HandshakeRejection.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
		assertThat(HandshakeRejection.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
		assertThat(HandshakeRejection.retryAfterSeconds(Duration.ofMillis(999))).isEqualTo(1);
		assertThat(HandshakeRejection.retryAfterSeconds(Duration.ofSeconds(1))).isEqualTo(1);
		assertThat(HandshakeRejection.retryAfterSeconds(Duration.ofMillis(1001))).isEqualTo(2);
		assertThat(HandshakeRejection.retryAfterSeconds(Duration.ofSeconds(5))).isEqualTo(5);
	}

	@Test
	void writesStatusHeadersAndReasonAndCommitsThem() throws Exception {
		MockHttpServletResponse servlet = new MockHttpServletResponse();
		boolean proceed = HandshakeRejection.reject(new ServletServerHttpResponse(servlet),
				HttpStatus.TOO_MANY_REQUESTS, Duration.ofMillis(2500), "slow down");
		assertThat(proceed).isFalse();
		assertThat(servlet.getStatus()).isEqualTo(429);
		assertThat(servlet.getHeader("Retry-After")).isEqualTo("3");
		assertThat(servlet.getHeader("Cache-Control")).isEqualTo("no-store");
		assertThat(servlet.getContentType()).startsWith("text/plain");
		assertThat(servlet.isCommitted()).isTrue();
		assertThat(servlet.getContentAsString()).isEqualTo("slow down\n");
	}

	@Test
	void addsWwwAuthenticateOnlyTo401() {
		MockHttpServletResponse unauthorized = new MockHttpServletResponse();
		HandshakeRejection.reject(new ServletServerHttpResponse(unauthorized), HttpStatus.UNAUTHORIZED, null, "no");
		assertThat(unauthorized.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"websocket-gateway\"");
		assertThat(unauthorized.getHeader("Retry-After")).isNull();
		MockHttpServletResponse forbidden = new MockHttpServletResponse();
		HandshakeRejection.reject(new ServletServerHttpResponse(forbidden), HttpStatus.FORBIDDEN, null, "no");
		assertThat(forbidden.getHeader("WWW-Authenticate")).isNull();
	}

}
