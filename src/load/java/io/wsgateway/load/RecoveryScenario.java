package io.wsgateway.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.buffer.ByteBuf;

/**
 * The {@code recovery} scenario (issue 21): {@value #CLIENTS} members of a room with history
 * on the redis store go away, {@value #MISSED} messages are sent, and they all reconnect at
 * once. First they re-join without {@code recover} (the baseline: reconnect and join only),
 * then again with {@code recover} from offset 0, so that each gets the {@value #MISSED}
 * messages replayed. Printed: time until every client has everything, server CPU per
 * recovered message (the recovery wave's CPU less the baseline's, over the messages
 * replayed), and Redis commands per join and per recovery from {@code INFO commandstats}
 * before and after each wave (every command Redis ran meanwhile, this gateway's or not).
 */
final class RecoveryScenario {

	static final int CLIENTS = 1000;

	static final int MISSED = 300;

	static final String ROOM = "recovery";

	private static final Pattern EPOCH = Pattern.compile("\"epoch\":\"([^\"]+)\"");

	private static final Pattern CALLS = Pattern.compile("calls=(\\d+)");

	/** Opens connections with the given tokens; returns those that opened. */
	interface Opener {

		List<WsClient.Conn> open(String[] tokens, WsClient.Listener listener) throws InterruptedException;

	}

	private final Opener opener;

	private final Consumer<String> print;

	RecoveryScenario(Opener opener, Consumer<String> print) {
		this.opener = opener;
		this.print = print;
	}

	/** The gateway's extra arguments for this scenario: history on the redis store, keys of this run only. */
	static List<String> gatewayArgs(String run) {
		return List.of("--gateway.history.store=redis", "--gateway.history.rooms.size=" + MISSED * 2,
				"--gateway.history.recovery-limit=" + MISSED, "--gateway.history.key-prefix=load:" + run + ":");
	}

	/** Runs the scenario against the server; returns the summary line. */
	String run(ServerProcess server, String[] members, String publisherToken) throws Exception {
		AtomicReference<String> epoch = new AtomicReference<>();
		Wave first = wave(members, "{\"type\":\"join_room\",\"room\":\"" + ROOM + "\"}", 0, epoch);
		first.conns.forEach(WsClient.Conn::abort);
		Thread.sleep(2000);
		publish(publisherToken);
		Thread.sleep(1000);

		long cpu0 = server.cpuMillis();
		long redis0 = redisCalls();
		long start = System.nanoTime();
		Wave baseline = wave(members, "{\"type\":\"join_room\",\"room\":\"" + ROOM + "\"}", 0, epoch);
		long baselineNanos = System.nanoTime() - start;
		long cpu1 = server.cpuMillis();
		long redis1 = redisCalls();
		baseline.conns.forEach(WsClient.Conn::abort);
		Thread.sleep(2000);

		long cpu2 = server.cpuMillis();
		long redis2 = redisCalls();
		start = System.nanoTime();
		Wave recovery = wave(members, "{\"type\":\"join_room\",\"room\":\"" + ROOM
				+ "\",\"recover\":{\"offset\":0,\"epoch\":\"" + epoch.get() + "\"}}", MISSED, epoch);
		long recoveryNanos = System.nanoTime() - start;
		long cpu3 = server.cpuMillis();
		long redis3 = redisCalls();
		recovery.conns.forEach(WsClient.Conn::abort);

		long replayed = (long) CLIENTS * MISSED;
		double perMessageUs = ((cpu3 - cpu2) - (cpu1 - cpu0)) * 1e3 / replayed;
		String line = String.format(Locale.ROOT,
				"  gateway      recovery  %d clients x %d missed: all recovered in %.0f ms (reconnect and join only: %.0f ms), "
						+ "%d recovered true; server %.2f us CPU per recovered message (%.0f ms wave less %.0f ms baseline); "
						+ "Redis commands per recovery %.2f, per plain join %.2f",
				CLIENTS, MISSED, recoveryNanos / 1e6, baselineNanos / 1e6, recovery.recovered.get(), perMessageUs,
				(double) (cpu3 - cpu2), (double) (cpu1 - cpu0), (redis3 - redis2) / (double) CLIENTS,
				(redis1 - redis0) / (double) CLIENTS);
		this.print.accept(line.trim());
		return line;
	}

	private record Wave(List<WsClient.Conn> conns, AtomicLong recovered) {
	}

	/** Connects every member, sends {@code join}, and waits for each reply and {@code messages} room messages. */
	private Wave wave(String[] tokens, String join, int messages, AtomicReference<String> epoch) throws Exception {
		CountDownLatch done = new CountDownLatch(tokens.length * (1 + messages));
		AtomicLong recovered = new AtomicLong();
		WsClient.Listener listener = (conn, utf8) -> {
			String text = utf8.toString(StandardCharsets.UTF_8);
			if (text.startsWith("{\"type\":\"room_joined\"")) {
				Matcher matcher = EPOCH.matcher(text);
				if (matcher.find()) {
					epoch.compareAndSet(null, matcher.group(1));
				}
				if (text.contains("\"recovered\":true")) {
					recovered.incrementAndGet();
				}
				done.countDown();
			}
			else if (text.startsWith("{\"type\":\"room_message\"")) {
				done.countDown();
			}
		};
		List<WsClient.Conn> conns = this.opener.open(tokens, listener);
		conns.forEach((conn) -> conn.send(join));
		if (!done.await(300, TimeUnit.SECONDS)) {
			throw new IllegalStateException("recovery: " + done.getCount() + " replies and messages missing after 300 s");
		}
		return new Wave(conns, recovered);
	}

	private void publish(String token) throws Exception {
		CountDownLatch acked = new CountDownLatch(1 + MISSED);
		List<WsClient.Conn> publisher = this.opener.open(new String[] { token }, (conn, utf8) -> {
			if (startsWithAny(utf8, "{\"type\":\"room_joined\"", "{\"type\":\"ack\"")) {
				acked.countDown();
			}
		});
		WsClient.Conn conn = publisher.get(0);
		conn.send("{\"type\":\"join_room\",\"room\":\"" + ROOM + "\"}");
		for (int i = 1; i <= MISSED; i++) {
			conn.send("{\"type\":\"broadcast\",\"id\":\"" + i + "\",\"room\":\"" + ROOM + "\",\"payload\":{\"n\":" + i
					+ ",\"text\":\"a message of about the size of a short chat line\"}}");
		}
		if (!acked.await(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException("recovery: " + acked.getCount() + " publishes not acknowledged in 60 s");
		}
		conn.abort();
	}

	private static boolean startsWithAny(ByteBuf utf8, String... prefixes) {
		String head = utf8.toString(utf8.readerIndex(), Math.min(utf8.readableBytes(), 24), StandardCharsets.UTF_8);
		for (String prefix : prefixes) {
			if (head.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	/** Every command Redis has run since it started, from {@code redis-cli INFO commandstats}. */
	private static long redisCalls() throws IOException, InterruptedException {
		Process cli = new ProcessBuilder("redis-cli", "INFO", "commandstats").redirectErrorStream(true).start();
		String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!cli.waitFor(30, TimeUnit.SECONDS) || cli.exitValue() != 0) {
			throw new IllegalStateException("redis-cli INFO commandstats failed: " + output);
		}
		long calls = 0;
		Matcher matcher = CALLS.matcher(output);
		while (matcher.find()) {
			calls += Long.parseLong(matcher.group(1));
		}
		return calls;
	}

}
