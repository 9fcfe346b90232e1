package io.wsgateway.history;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.FakeTransport;
import io.wsgateway.session.TestSessions;
import io.wsgateway.testsupport.LogCapture;
import io.wsgateway.testsupport.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The redis store with nothing listening: what needs it is refused with
 * {@code service_unavailable} and changes nothing; a join without {@code recover} still
 * succeeds, without offset.
 */
class HistoryStoreDownTests {

	private final LogCapture logs = LogCapture.capture(Level.WARN, ChannelHistory.class.getName());

	private final LettuceConnectionFactory factory = nowhere();

	private final ChannelHistory history = new ChannelHistory(
			new RedisHistoryStore(new StringRedisTemplate(this.factory), RedisServer.uniquePrefix(), System::currentTimeMillis),
			new HistoryProperties(HistoryProperties.Store.REDIS, new HistoryProperties.Retention(10, null),
					new HistoryProperties.Retention(10, null), 300, "test:"),
			new HistoryMeters(new SimpleMeterRegistry()));

	private final Recoveries recoveries = new Recoveries(this.history);

	private final FakeTransport transport = new FakeTransport();

	private final ClientSession alice = TestSessions.session("alice", this.transport);

	private static LettuceConnectionFactory nowhere() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@AfterEach
	void close() {
		this.logs.close();
		this.factory.destroy();
	}

	@Test
	void refusesToPublishWithoutAnOffset() {
		AtomicBoolean published = new AtomicBoolean();
		assertThatThrownBy(() -> this.history.publish(new BusEvent.Frame("room.lobby", "room", "{}", "node", null), (event) -> {
			published.set(true);
			return CompletableFuture.completedStage(null);
		})).isInstanceOfSatisfying(GatewayException.class,
				(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
		assertThat(published).isFalse();
	}

	@Test
	void refusesARecoveryAndTakesTheJoinBack() {
		AtomicBoolean member = new AtomicBoolean();
		assertThatThrownBy(() -> this.recoveries.join(HistoryFamily.ROOMS, "lobby", this.alice, new Recover(3, "e"),
				() -> member.set(true), () -> member.set(false)))
			.isInstanceOfSatisfying(GatewayException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
		assertThat(member).isFalse();
		assertThat(this.logs.messages()).anyMatch((line) -> line.contains("History store unavailable"));
	}

	@Test
	void joinsWithoutRecoverStillSucceed() {
		AtomicBoolean member = new AtomicBoolean();
		Recoveries.Joined joined = this.recoveries.join(HistoryFamily.ROOMS, "lobby", this.alice, null,
				() -> member.set(true), () -> member.set(false));
		joined.afterReply().run();
		assertThat(member).isTrue();
		assertThat(joined.offset()).isNull();
		assertThat(joined.epoch()).isNull();
	}

}
