package io.wsgateway.handshake;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ClientIpResolverTests {

	private static ClientIpResolver trusting(String... proxies) {
		return new ClientIpResolver(new AdmissionProperties(10, 10, 60, List.of(proxies), Duration.ofSeconds(5), Duration.ofSeconds(10), 16));
	}

	private final ClientIpResolver resolver = trusting("10.0.0.0/8", "192.0.2.10");

	@Test
	void usesThePeerWhenNoProxyIsTrusted() {
		assertThat(trusting().resolve("198.51.100.1", List.of("203.0.113.5"))).isEqualTo("198.51.100.1");
	}

	@Test
	void ignoresForwardedForFromAnUntrustedPeer() {
		assertThat(this.resolver.resolve("198.51.100.1", List.of("203.0.113.5"))).isEqualTo("198.51.100.1");
	}

	@Test
	void usesThePeerWhenATrustedProxySendsNoForwardedFor() {
		assertThat(this.resolver.resolve("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
	}

	@Test
	void believesTheForwardedForOfATrustedProxy() {
		assertThat(this.resolver.resolve("10.1.2.3", List.of("203.0.113.5"))).isEqualTo("203.0.113.5");
		assertThat(this.resolver.resolve("192.0.2.10", List.of("203.0.113.6"))).isEqualTo("203.0.113.6");
	}

	@Test
	void ignoresEntriesAClientForgedLeftOfWhatTheProxySaw() {
		assertThat(this.resolver.resolve("10.1.2.3", List.of("1.1.1.1, 8.8.8.8, 203.0.113.5"))).isEqualTo("203.0.113.5");
	}

	@Test
	void skipsTrustedProxiesInAChain() {
		assertThat(this.resolver.resolve("10.1.2.3", List.of("6.6.6.6, 203.0.113.5, 10.9.9.9, 192.0.2.10")))
			.isEqualTo("203.0.113.5");
	}

	@Test
	void readsSeveralForwardedForHeadersInOrder() {
		assertThat(this.resolver.resolve("10.1.2.3", List.of("6.6.6.6", "203.0.113.5"))).isEqualTo("203.0.113.5");
	}

	@Test
	void trimsWhitespace() {
		assertThat(this.resolver.resolve("10.1.2.3", List.of("  203.0.113.5  ,10.0.0.2 "))).isEqualTo("203.0.113.5");
	}

	@Test
	void fallsBackToTheLeftmostWhenEveryHopIsTrusted() {
		assertThat(this.resolver.resolve("10.1.2.3", List.of("10.0.0.1, 10.0.0.2"))).isEqualTo("10.0.0.1");
	}

	@ParameterizedTest
	@ValueSource(strings = { "evil.example.com", "unknown", "_hidden", "<script>", "1.2.3.4; DROP",
			"203.0.113.5 203.0.113.6", "0123456789012345678901234567890123456789012345.1" })
	void stopsAtANonIpEntryAndKeepsWhatTheTrustedHopsSaid(String garbage) {
		assertThat(this.resolver.resolve("10.1.2.3", List.of(garbage))).isEqualTo("10.1.2.3");
		assertThat(this.resolver.resolve("10.1.2.3", List.of("203.0.113.5, " + garbage))).isEqualTo("10.1.2.3");
		assertThat(this.resolver.resolve("10.1.2.3", List.of(garbage + ", 10.0.0.7"))).isEqualTo("10.0.0.7");
		assertThat(this.resolver.resolve("10.1.2.3", List.of(garbage + ", 203.0.113.5"))).isEqualTo("203.0.113.5");
	}

	@ParameterizedTest
	@ValueSource(strings = { "999.999.999.999", "1.2.3.4.5", "1..2", "::::::::::1", "1.2.3.4:8080", "gggg::1" })
	void neverFailsOnMalformedAddressLiterals(String malformed) {
		String ip = this.resolver.resolve("10.1.2.3", List.of("203.0.113.5, " + malformed));
		assertThat(ip).isIn("10.1.2.3", malformed);
		assertThat(this.resolver.resolve("10.1.2.3", List.of(malformed + ", 203.0.113.5"))).isEqualTo("203.0.113.5");
	}

	@Test
	void normalizesIpv6Addresses() {
		ClientIpResolver resolver = trusting("::1", "fd00::/8");
		assertThat(resolver.resolve("0:0:0:0:0:0:0:1", List.of("2001:DB8::1"))).isEqualTo("2001:db8:0:0:0:0:0:1");
		assertThat(resolver.resolve("fd00:0:0:0:0:0:0:5", List.of("2001:db8::2, fd00::9"))).isEqualTo("2001:db8:0:0:0:0:0:2");
	}

	@Test
	void matchesSingleAddressesAsWellAsRanges() {
		ClientIpResolver single = trusting("192.0.2.10");
		assertThat(single.resolve("192.0.2.11", List.of("203.0.113.5"))).isEqualTo("192.0.2.11");
		assertThat(single.resolve("192.0.2.10", List.of("203.0.113.5"))).isEqualTo("203.0.113.5");
	}

}
