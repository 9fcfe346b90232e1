package io.wsgateway.session;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class HandshakeAttributesTests {

	private final AtomicInteger releases = new AtomicInteger();

	private final Map<String, Object> attributes = new HashMap<>();

	@Test
	void everyCheckSeesTheSameTypedAttributesAndTheyBecomeTheAcceptedHandshake() {
		HandshakeAttributes.of(this.attributes).admit("c1", "192.0.2.7");
		HandshakeAttributes token = HandshakeAttributes.of(this.attributes);
		token.authenticate(ClientIdentity.anonymous(token.connectionId()));
		HandshakeAttributes.of(this.attributes).lease(this.releases::incrementAndGet);

		AcceptedHandshake accepted = HandshakeAttributes.of(this.attributes).accept("agent/1");
		assertThat(this.attributes).hasSize(1);
		assertThat(accepted.connectionId()).isEqualTo("c1");
		assertThat(accepted.identity().userId()).isEqualTo("anon-c1");
		assertThat(accepted.clientIp()).isEqualTo("192.0.2.7");
		assertThat(accepted.userAgent()).isEqualTo("agent/1");
		accepted.lease().close();
		assertThat(this.releases).hasValue(1);
	}

	@Test
	void givesTheLeaseBackOnceWhenTheHandshakeIsNotAccepted() {
		HandshakeAttributes checked = HandshakeAttributes.of(this.attributes);
		checked.admit("c1", "192.0.2.7");
		checked.lease(this.releases::incrementAndGet);
		checked.releaseLease();
		checked.releaseLease();
		assertThat(this.releases).hasValue(1);
	}

	@Test
	void refusesAHandshakeThatNoCheckAuthenticatedAndGivesItsLeaseBack() {
		HandshakeAttributes checked = HandshakeAttributes.of(this.attributes);
		checked.admit("c1", "192.0.2.7");
		checked.lease(this.releases::incrementAndGet);
		assertThatIllegalStateException().isThrownBy(() -> checked.accept(null));
		assertThat(this.releases).hasValue(1);
	}

}
