package io.wsgateway.session;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

class SessionRegistryTests {

	private final List<String> log = new ArrayList<>();

	private final SessionEvents recorder = new SessionEvents() {
		@Override
		public void opened(ClientSession session) {
			SessionRegistryTests.this.log.add("opened " + session.userId());
		}

		@Override
		public void closed(ClientSession session, CloseStatus status) {
			SessionRegistryTests.this.log.add("closed " + session.userId() + " " + status.getCode());
		}
	};

	@Test
	void findsSessionsByIdAndByUser() {
		SessionRegistry registry = TestSessions.registry(this.recorder);
		ClientSession a1 = TestSessions.session("alice", new FakeTransport());
		ClientSession a2 = TestSessions.session("alice", new FakeTransport());
		ClientSession b = TestSessions.session("bob", new FakeTransport());
		TestSessions.register(registry, a1);
		TestSessions.register(registry, a2);
		TestSessions.register(registry, b);
		assertThat(registry.get(a1.id())).isSameAs(a1);
		assertThat(registry.byUser("alice")).containsExactlyInAnyOrder(a1, a2);
		assertThat(registry.byUser("nobody")).isEmpty();
		assertThat(registry.size()).isEqualTo(3);
		assertThat(registry.userCount()).isEqualTo(2);
		assertThat(registry.all()).containsExactlyInAnyOrder(a1, a2, b);

		TestSessions.unregister(registry, a1, 1000);
		TestSessions.unregister(registry, a2, 1006);
		assertThat(registry.get(a1.id())).isNull();
		assertThat(registry.byUser("alice")).isEmpty();
		assertThat(registry.userCount()).isEqualTo(1);
		assertThat(this.log).containsExactly("opened alice", "opened alice", "opened bob", "closed alice 1000",
				"closed alice 1006");
	}

	@Test
	void reportsTheCloseThisSideAskedForAndOnlyOnce() {
		SessionRegistry registry = TestSessions.registry(this.recorder);
		ClientSession session = TestSessions.session("alice", new FakeTransport());
		TestSessions.register(registry, session);
		session.close(GatewayCloseStatus.TOKEN_EXPIRED);
		TestSessions.unregister(registry, session, 1006);
		TestSessions.unregister(registry, session, 1006);
		assertThat(this.log).containsExactly("opened alice", "closed alice 1008");
	}

	@Test
	void replacesOlderConnectionsOfTheSameUserWith4009UnderTheSinglePolicy() {
		SessionRegistry registry = TestSessions.registry(SessionsProperties.PerUserPolicy.SINGLE);
		FakeTransport olderTransport = new FakeTransport();
		ClientSession older = TestSessions.session("alice", olderTransport);
		ClientSession newer = TestSessions.session("alice", new FakeTransport());
		ClientSession other = TestSessions.session("bob", new FakeTransport());
		TestSessions.register(registry, older);
		TestSessions.register(registry, other);
		TestSessions.register(registry, newer);
		assertThat(olderTransport.closeCode()).isEqualTo(4009);
		assertThat(newer.isOpen()).isTrue();
		assertThat(other.isOpen()).isTrue();
	}

	@Test
	void keepsTheNewerConnectionWhenTheOlderRegistersLast() {
		SessionRegistry registry = TestSessions.registry(SessionsProperties.PerUserPolicy.SINGLE);
		FakeTransport olderTransport = new FakeTransport();
		ClientSession older = TestSessions.session("alice", olderTransport);
		ClientSession newer = TestSessions.session("alice", new FakeTransport());
		TestSessions.register(registry, newer);
		TestSessions.register(registry, older);
		assertThat(olderTransport.closeCode()).isEqualTo(4009);
		assertThat(newer.isOpen()).isTrue();
	}

	@Test
	void keepsEveryConnectionUnderTheMultiplePolicy() {
		SessionRegistry registry = TestSessions.registry();
		ClientSession older = TestSessions.session("alice", new FakeTransport());
		TestSessions.register(registry, older);
		TestSessions.register(registry, TestSessions.session("alice", new FakeTransport()));
		assertThat(older.isOpen()).isTrue();
	}

	@Test
	void drainClosesEveryConnectionWith1001AndRefusesNewOnes() {
		SessionRegistry registry = TestSessions.registry();
		FakeTransport first = new FakeTransport();
		FakeTransport second = new FakeTransport();
		TestSessions.register(registry, TestSessions.session("alice", first));
		TestSessions.register(registry, TestSessions.session("bob", second));
		assertThat(registry.isDraining()).isFalse();
		registry.drain();
		assertThat(registry.isDraining()).isTrue();
		assertThat(first.closeCode()).isEqualTo(1001);
		assertThat(second.closeCode()).isEqualTo(1001);
	}

	@Test
	void aFailingListenerDoesNotKeepOthersFromHearingOfTheClose() {
		SessionEvents failing = new SessionEvents() {
			@Override
			public void closed(ClientSession session, CloseStatus status) {
				throw new IllegalStateException("listener bug");
			}
		};
		SessionRegistry registry = TestSessions.registry(failing, this.recorder);
		ClientSession session = TestSessions.session("alice", new FakeTransport());
		TestSessions.register(registry, session);
		try (io.wsgateway.testsupport.LogCapture logs = io.wsgateway.testsupport.LogCapture
			.capture(ch.qos.logback.classic.Level.ERROR, SessionRegistry.class.getName())) {
			TestSessions.unregister(registry, session, 1000);
			assertThat(logs.messages()).singleElement().asString().contains(session.id());
		}
		assertThat(this.log).contains("closed alice 1000");
		assertThat(registry.size()).isZero();
	}

}
