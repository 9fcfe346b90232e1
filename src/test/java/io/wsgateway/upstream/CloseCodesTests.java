package io.wsgateway.upstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CloseCodesTests {

	@Test
	void sendableCodesPassUnchangedBothWays() {
		for (int code : new int[] { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 1013, 3000, 4001, 4999 }) {
			assertThat(CloseCodes.toClient(code)).isEqualTo(code);
			assertThat(CloseCodes.toUpstream(code)).isEqualTo(code);
			assertThat(CloseCodes.toClientReason(code, "why")).isEqualTo("why");
		}
	}

	@Test
	void codesThatNeverTravelAreMapped() {
		assertThat(CloseCodes.toClient(1005)).isEqualTo(1000);
		assertThat(CloseCodes.toClient(1006)).isEqualTo(1014);
		assertThat(CloseCodes.toClientReason(1006, null)).isEqualTo("upstream connection lost");
		assertThat(CloseCodes.toClient(1015)).isEqualTo(1014);
		assertThat(CloseCodes.toClient(999)).isEqualTo(1011);
		assertThat(CloseCodes.toUpstream(1005)).isEqualTo(1000);
		assertThat(CloseCodes.toUpstream(1006)).isEqualTo(1001);
		assertThat(CloseCodes.toUpstream(5000)).isEqualTo(1001);
		assertThat(CloseCodes.toUpstreamReason(1000, null)).isEmpty();
	}

}
