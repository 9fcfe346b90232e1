package io.wsgateway.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wsgateway.echo.LoadHandlers;
import io.wsgateway.ops.GatewayMetrics;
import io.wsgateway.ops.InboundMetering;
import io.wsgateway.ops.TestGatewayMetrics;
import io.wsgateway.session.ClientSession;
import io.wsgateway.session.LoadSessions;
import io.wsgateway.session.WebSocketProperties;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.util.unit.DataSize;

/**
 * Parse and route, the inbound hot path: one text frame through {@link MessageRouter}
 * (rate limit, parse, envelope, bind, validate, handle, encode the reply, queue it) into a
 * session whose transport completes at once. {@code parse} alone for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouterBenchmark {

	public static final String ECHO = "{\"type\":\"echo\",\"payload\":{\"n\":12345,\"text\":\"hello, gateway\"}}";

	static final String PING = "{\"type\":\"ping\",\"id\":\"c-17\"}";

	private ValidatorFactory validators;

	private MessageRouter router;

	private MessageCodec codec;

	private ClientSession session;

	@Setup
	public void setUp() {
		this.validators = Validation.buildDefaultValidatorFactory();
		this.codec = new MessageCodec();
		GatewayMetrics metrics = TestGatewayMetrics.create();
		this.router = router(this.codec, this.validators.getValidator(), metrics);
		this.session = LoadSessions.session("jmh", new LoadSessions.CountingTransport(), metrics);
	}

	/**
	 * Returns a router for echo and ping with no effective rate limit, as measured here, its
	 * dispatcher metered as wired, inside the given decorators.
	 */
	public static MessageRouter router(MessageCodec codec, Validator validator, GatewayMetrics metrics,
			MessageDispatcherDecorator... outer) {
		List<MessageDispatcherDecorator> decorators = new ArrayList<>(List.of(outer));
		decorators.add(new InboundMetering(metrics));
		WebSocketProperties webSocket = new WebSocketProperties("/ws", List.of(), DataSize.ofKilobytes(512),
				Duration.ofSeconds(30), Duration.ofMinutes(5), DataSize.ofMegabytes(1), Duration.ofSeconds(10), false);
		return new MessageRouter(List.of(LoadHandlers.echo(), LoadHandlers.ping()), codec, validator,
				decorators, new LimitsProperties(1_000_000_000, 10, 100), webSocket);
	}

	@TearDown
	public void tearDown() {
		this.validators.close();
	}

	@Benchmark
	public void routeEcho() {
		this.router.onMessage(this.session, ECHO);
	}

	@Benchmark
	public void routePing() {
		this.router.onMessage(this.session, PING);
	}

	@Benchmark
	public void parseOnly(Blackhole blackhole) {
		blackhole.consume(this.codec.parse(ECHO));
	}

}
