package io.wsgateway.handshake;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryParametersTests {

	@Test
	void findsTheTokenWhateverItsSpelling() {
		for (String name : List.of("access_token", "access%5Ftoken", "%61ccess_token", "access_toke%6E",
				"%61ccess%5ftoke%6e", "%61%63%63%65%73%73%5F%74%6F%6B%65%6E")) {
			QueryParameters query = QueryParameters.parse("x=1&" + name + "=abc.def&y=2");
			assertThat(query.accessToken()).as(name).isEqualTo("abc.def");
			assertThat(query.forwardable(List.of("x", "y", "access_token"))).as(name).isEqualTo("x=1&y=2");
		}
	}

	@Test
	void forwardsOnlyAllowedParametersEncodedAgain() {
		QueryParameters query = QueryParameters.parse("x=1&secret=s&y=%C3%A9+%2B&flag&x=2");
		assertThat(query.forwardable(List.of("x", "y", "flag"))).isEqualTo("x=1&y=%C3%A9%20%2B&flag=&x=2");
		assertThat(query.forwardable(List.of())).isNull();
		assertThat(QueryParameters.parse(null).forwardable(List.of("x"))).isNull();
	}

	@Test
	void dropsParametersThatCannotBeDecoded() {
		QueryParameters query = QueryParameters.parse("access_token=%zz&x=%&y=1&%E0%A4=2");
		assertThat(query.accessToken()).isNull();
		assertThat(query.forwardable(List.of("x", "y"))).isEqualTo("y=1");
	}

	@Test
	void blankTokenIsNoToken() {
		assertThat(QueryParameters.parse("access_token=%20&access%5Ftoken=t").accessToken()).isEqualTo("t");
		assertThat(QueryParameters.parse("access_token=").accessToken()).isNull();
	}

}
