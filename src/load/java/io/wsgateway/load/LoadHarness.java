package io.wsgateway.load;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import javax.crypto.SecretKey;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.netty.buffer.ByteBuf;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The load harness behind {@code ./mvnw -Pload verify}: starts each server under test in a
 * process of its own on loopback, drives it with {@link WsClient} (Netty) from this JVM, and
 * prints one line of figures per scenario, then a summary in which every figure is also a
 * ratio to the Node {@code ws} peer's of the same mode (issue 19).
 *
 * <p>Servers: {@code node} (the Node {@code ws} peer, {@code src/load/node/ws-peer.mjs}, JWT
 * auth on), {@code gateway} (the packaged jar, JWT auth on, connection and message rate
 * limits raised for the test), {@code bare-jetty-core} ({@link BareJettyCoreServer}: Jetty's
 * core WebSocket API, the gateway's upgrade path, no authentication), {@code spring-tomcat}
 * ({@link SpringTomcatServer}: untuned Spring {@code TextWebSocketHandler} on Tomcat, no
 * authentication), and with {@code all} also {@code bare-jetty} and {@code bare-tomcat}
 * ({@link BareEchoEndpoint}) and {@code crossnode} (two gateway nodes on the local RabbitMQ).
 * Scenarios per server: connect, echo, fan-out. Modes: {@code shared} (no pinning) and
 * {@code per-core} (each server pinned to core 0, this generator to core 1, with
 * {@code taskset}). Every loop is bounded in count and time; the servers are stopped before
 * the harness exits.
 *
 * <p>Parameters ({@code -Dname=value}): {@code load.scenarios} [peers: node, gateway,
 * bare-jetty-core, spring-tomcat; or {@code all}, or a comma list; {@code recovery}
 * ({@link RecoveryScenario}) only when named], {@code load.modes}
 * [shared,per-core], {@code load.tests} (connect,echo,fanout), {@code load.connections}
 * [15000], {@code load.echo.clients} [50], {@code load.echo.seconds} [15],
 * {@code load.fanout.members} [2000], {@code load.fanout.rates} [20,50],
 * {@code load.fanout.seconds} [15], {@code load.cross.members} [1000 per node],
 * {@code load.cross.rate} [20], {@code load.warmup.seconds} [5], {@code load.connect.warmup}
 * [10000 handshakes before the timed connect], {@code load.client.threads} [2],
 * {@code load.client.transport} [epoll where available, else nio],
 * {@code load.source.addresses} [8: 127.0.0.1 to 127.0.0.8], {@code load.tomcat.connections}
 * [5000: Tomcat's servers hold their text buffers up front], {@code load.server.jvm}
 * [-XX:+UseG1GC -Xms512m -Xmx768m: what the image runs in the chart's default pod, whose 1 GiB
 * limit its -XX:InitialRAMPercentage=50 and -XX:MaxRAMPercentage=75 turn into these sizes],
 * {@code load.server.java} [the build's JDK: the home of the JDK the servers run on],
 * {@code load.node} [node], {@code load.node.dir} [src/load/node],
 * {@code load.gateway.args} (extra {@code --name=value} for the gateway), {@code load.tomcat.maxText} [8192: Tomcat cannot hold 15,000 sessions at 512 KB].
 */
public final class LoadHarness {

	static final String SECRET = "load-harness-secret-0123456789-0123456789";

	static final String ROOM = "load";

	/** The machine's cores, read before the per-core mode pins this JVM to one of them. */
	private static final int CORES = Runtime.getRuntime().availableProcessors();

	/** The servers of a default run: the Node peer first, so that each figure's ratio to it can be printed as it comes. */
	private static final List<String> PEERS = List.of("node", "gateway", "bare-jetty-core", "spring-tomcat");

	private static final List<String> ALL = List.of("node", "gateway", "bare-jetty-core", "spring-tomcat", "bare-jetty",
			"bare-tomcat", "crossnode");

	private final Path jar;

	private final Path dir;

	private final Set<String> targets;

	private final Set<String> tests;

	/** {@code shared}, and {@code per-core}: each server pinned to core 0, this generator to core 1. */
	private final List<String> modes;

	/** The mode being run. */
	private String mode = "shared";

	private final Figures figures = new Figures();

	private final int connections;

	private final int echoClients;

	private final int echoSeconds;

	private final int fanoutMembers;

	private final int[] fanoutRates;

	private final int fanoutSeconds;

	private final int crossMembers;

	private final int crossRate;

	private final int warmupSeconds;

	private final int connectWarmup;

	private final int sourceAddresses;

	private final List<String> serverJvm;

	private final List<String> gatewayArgs;

	private final int tomcatMaxText;

	private final int tomcatConnections;

	private final boolean histograms;

	private final SecretKey key = Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8));

	private final WsClient client;

	private final List<String> summary = new ArrayList<>();

	private LoadHarness() {
		this.jar = Path.of(property("load.jar", "target/websocket-gateway-0.1.0-SNAPSHOT.jar"));
		this.dir = Path.of(property("load.dir", "target/load"));
		String scenarios = property("load.scenarios", "peers");
		this.targets = new LinkedHashSet<>(switch (scenarios) {
			case "peers" -> PEERS;
			case "all" -> ALL;
			default -> list(scenarios);
		});
		this.modes = list(property("load.modes", "shared,per-core"));
		this.tests = new LinkedHashSet<>(list(property("load.tests", "connect,echo,fanout")));
		this.connections = intProperty("load.connections", 15000);
		this.echoClients = intProperty("load.echo.clients", 50);
		this.echoSeconds = intProperty("load.echo.seconds", 15);
		this.fanoutMembers = intProperty("load.fanout.members", 2000);
		this.fanoutRates = list(property("load.fanout.rates", "20,50")).stream().mapToInt(Integer::parseInt).toArray();
		this.fanoutSeconds = intProperty("load.fanout.seconds", 15);
		this.crossMembers = intProperty("load.cross.members", 1000);
		this.crossRate = intProperty("load.cross.rate", 20);
		this.warmupSeconds = intProperty("load.warmup.seconds", 5);
		this.connectWarmup = intProperty("load.connect.warmup", 10000);
		this.sourceAddresses = intProperty("load.source.addresses", 8);
		this.serverJvm = words(property("load.server.jvm",
				"-XX:+UseG1GC -Xms512m -Xmx768m"));
		this.gatewayArgs = words(property("load.gateway.args", ""));
		this.tomcatMaxText = intProperty("load.tomcat.maxText", 8192);
		this.tomcatConnections = intProperty("load.tomcat.connections", 5000);
		this.histograms = Boolean.getBoolean("load.histogram");
		this.client = new WsClient(intProperty("load.client.threads", 2));
	}

	public static void main(String[] args) throws Exception {
		LoadHarness harness = new LoadHarness();
		try {
			harness.run();
		}
		finally {
			harness.client.close();
		}
		System.exit(0);
	}

	private void run() throws Exception {
		print("machine: " + CORES + " cores, "
				+ firstLine("/proc/cpuinfo", "model name") + ", load average " + firstLine("/proc/loadavg", "")
				+ ", java " + System.getProperty("java.version") + " (servers: " + ServerProcess.javaVersion() + ")");
		print("generator: Netty " + io.netty.util.Version.identify().values().iterator().next().artifactVersion() + " "
				+ this.client.transport() + ", " + intProperty("load.client.threads", 2)
				+ " event-loop threads, same machine");
		for (String mode : this.modes) {
			this.mode = mode;
			pinGenerator(mode.equals("per-core") ? "1" : "0-" + (CORES - 1));
			print("");
			print("==== mode " + mode + (mode.equals("per-core") ? ": each server pinned to core 0, the generator to core 1"
					: ": servers and generator share every core"));
			for (String target : this.targets) {
				runTarget(target);
			}
		}
		pinGenerator("0-" + (CORES - 1));
		print("");
		print("summary (load average now " + firstLine("/proc/loadavg", "") + "):");
		this.summary.forEach(LoadHarness::print);
		this.figures.summary(CORES).forEach(LoadHarness::print);
	}

	private void runTarget(String target) {
		try {
			switch (target) {
				case "node" -> runServer(target, this::nodePeer);
				case "bare-jetty" -> runServer(target, bare(target, "io.wsgateway.load.BareJettyServer", List.of()));
				case "bare-jetty-core" -> runServer(target, bare(target, "io.wsgateway.load.BareJettyCoreServer", List.of()));
				case "bare-tomcat" -> runServer(target, bare(target, "io.wsgateway.load.BareTomcatServer",
						List.of("-Dbare.maxText=" + this.tomcatMaxText)));
				case "spring-tomcat" -> runServer(target, bare(target, "io.wsgateway.load.SpringTomcatServer", List.of()));
				case "gateway" -> runServer(target, gatewayStarter("load-a", List.of()));
				case "crossnode" -> crossNode();
				case "recovery" -> recovery();
				default -> throw new IllegalArgumentException("unknown scenario target " + target);
			}
		}
		catch (Exception ex) {
			print("[" + target + "] FAILED: " + ex);
			this.summary.add(String.format(Locale.ROOT, "  %-12s %-8s FAILED: %s", target, this.mode, ex));
		}
	}

	/** Sets this JVM's threads' CPU affinity, all of them ({@code taskset -a}); new threads inherit it. */
	private static void pinGenerator(String cpus) throws Exception {
		Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(ProcessHandle.current().pid()))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!taskset.waitFor(30, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
			throw new IllegalStateException("taskset could not pin the generator to CPUs " + cpus);
		}
	}

	/** What a server's command starts with in the current mode: nothing, or {@code taskset -c 0}. */
	private List<String> pin() {
		return this.mode.equals("per-core") ? List.of("taskset", "-c", "0") : List.of();
	}

	/** A server's name in figures and logs: with the mode, so that the two modes' logs are kept apart. */
	private String logName(String name) {
		return name + "-" + this.mode;
	}

	// ---------------------------------------------------------------- servers

	private interface Starter {

		ServerProcess start() throws Exception;

	}

	private Starter bare(String name, String main, List<String> extraJvm) {
		return () -> {
			int port = ServerProcess.freePort();
			List<String> jvm = new ArrayList<>(this.serverJvm);
			jvm.addAll(extraJvm);
			jvm.add("-cp");
			jvm.add(classpath(name));
			return ServerProcess.start(logName(name), this.dir, pin(), jvm, List.of(main, Integer.toString(port)), port);
		};
	}

	private Starter gatewayStarter(String nodeId, List<String> extra) {
		return () -> {
			int port = ServerProcess.freePort();
			List<String> args = new ArrayList<>(List.of("-jar", this.jar.toString(), "--server.port=" + port,
					"--server.address=127.0.0.1", "--gateway.node-id=" + nodeId,
					"--gateway.security.jwt.secret=" + SECRET, "--gateway.admission.max-connections=20000",
					"--gateway.admission.max-connections-per-ip=20000",
					"--gateway.admission.handshakes-per-minute-per-ip=100000000",
					// the generator has hundreds of handshakes in flight from one address, as a load
					// balancer would (which the gateway would trust); 16 pending per address refuses them
					"--gateway.admission.max-pending-per-ip=100000",
					// 50 clients x 600 round trips/s: the per-connection limit (50/s) would cap echo at 2,500/s
					"--gateway.limits.messages-per-second=1000000"));
			args.addAll(extra);
			args.addAll(this.gatewayArgs);
			return ServerProcess.start(logName("gateway-" + nodeId), this.dir, pin(), this.serverJvm, args, port);
		};
	}

	/**
	 * The harness's own class path; for bare Tomcat only this project's test classes, Tomcat's
	 * jars and the annotations API; for Spring on Tomcat everything but Jetty.
	 */
	private static String classpath(String server) {
		String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
		return Arrays.stream(entries)
			.filter((entry) -> switch (server) {
				case "bare-tomcat" -> entry.contains("tomcat-embed") || entry.contains("jakarta.annotation-api")
						|| entry.endsWith("test-classes");
				case "spring-tomcat" -> !entry.contains("jetty");
				default -> !entry.contains("tomcat-embed");
			})
			.collect(Collectors.joining(File.pathSeparator));
	}

	private ServerProcess nodePeer() throws Exception {
		return NodePeer.start(Path.of(property("load.node.dir", "src/load/node")), property("load.node", "node"),
				this.dir, logName("node"), pin(), SECRET);
	}

	private void runServer(String name, Starter starter) throws Exception {
		print("");
		try (ServerProcess server = starter.start()) {
			print("[" + name + "] started " + server);
			URI uri = URI.create("ws://127.0.0.1:" + server.port + "/ws");
			if (this.tests.contains("connect")) {
				connect(name, server, uri, name.contains("tomcat") ? Math.min(this.tomcatConnections, this.connections) : this.connections);
			}
			if (this.tests.contains("echo")) {
				echo(name, server, uri);
			}
			if (this.tests.contains("fanout")) {
				for (int rate : this.fanoutRates) {
					fanout(name, List.of(server), List.of(uri), this.fanoutMembers, rate, this.fanoutSeconds);
				}
			}
		}
	}

	private void crossNode() throws Exception {
		print("");
		List<String> rabbit = List.of("--gateway.bus.type=rabbitmq", "--spring.rabbitmq.host=127.0.0.1",
				"--spring.rabbitmq.port=5672");
		try (ServerProcess a = gatewayStarter("cross-a", rabbit).start();
				ServerProcess b = gatewayStarter("cross-b", rabbit).start()) {
			print("[crossnode] started " + a + " and " + b);
			fanout("crossnode", List.of(a, b),
					List.of(URI.create("ws://127.0.0.1:" + a.port + "/ws"), URI.create("ws://127.0.0.1:" + b.port + "/ws")),
					this.crossMembers, this.crossRate, this.fanoutSeconds);
		}
	}

	/** The {@code recovery} scenario ({@link RecoveryScenario}): one gateway on the redis history store. */
	private void recovery() throws Exception {
		print("");
		String run = Long.toString(System.currentTimeMillis(), 36);
		try (ServerProcess server = gatewayStarter("recovery", RecoveryScenario.gatewayArgs(run)).start()) {
			print("[recovery] started " + server);
			URI uri = URI.create("ws://127.0.0.1:" + server.port + "/ws");
			RecoveryScenario scenario = new RecoveryScenario(
					(tokens, listener) -> open(uri, tokens, listener, new TreeMap<>()), LoadHarness::print);
			this.summary.add(scenario.run(server, tokens(60000, RecoveryScenario.CLIENTS), token("load-publisher")));
		}
	}

	// ---------------------------------------------------------------- scenario 1: connect

	private void connect(String name, ServerProcess server, URI uri, int connections) throws Exception {
		WsClient.Listener ignore = (conn, utf8) -> {
		};
		int idleThreads = server.threads();
		AtomicInteger peakThreads = new AtomicInteger(idleThreads);
		java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (sampling.get()) {
				try {
					peakThreads.accumulateAndGet(server.threads(), Math::max);
					Thread.sleep(20);
				}
				catch (Exception ex) {
					return;
				}
			}
		}, "thread-sampler");
		sampler.setDaemon(true);
		sampler.start();
		// Warm the handshake path up until the JIT has compiled it (a node that has run for a
		// while), then take the idle server's memory.
		List<WsClient.Conn> warm = open(uri, Math.min(this.connectWarmup, connections), 0, ignore, new TreeMap<>());
		warm.forEach(WsClient.Conn::abort);
		Thread.sleep(2000);
		long heapBefore = server.heapAfterGcKb();
		long rssBefore = server.rssKb();
		Map<String, long[]> histogramBefore = (this.histograms && server.isJvm()) ? classHistogram(server) : Map.of();
		Map<Integer, Integer> failures = new TreeMap<>();
		String[] tokens = tokens(this.connectWarmup, connections);
		long cpu0 = server.cpuMillis();
		long gen0 = generatorCpuNanos();
		profile(server, "connect");
		long start = System.nanoTime();
		List<WsClient.Conn> conns = open(uri, tokens, ignore, failures);
		double seconds = (System.nanoTime() - start) / 1e9;
		double serverCpu = (server.cpuMillis() - cpu0) / 10.0 / seconds;
		double genCpu = (generatorCpuNanos() - gen0) / 1e7 / seconds;
		unprofile(server, "connect");
		sampling.set(false);
		sampler.join();
		Thread.sleep(3000);
		long heapAfter = server.heapAfterGcKb();
		long rssAfter = server.rssKb();
		long open = conns.stream().filter(WsClient.Conn::isOpen).count();
		int ok = conns.size();
		if (ok == 0) {
			throw new IllegalStateException(name + ": no connection opened, failures by status " + failures);
		}
		if (this.histograms && server.isJvm()) {
			printHistogramGrowth(name, histogramBefore, classHistogram(server), ok);
		}
		double rate = ok / seconds;
		double heapPer = (heapAfter - heapBefore) / (double) Math.max(1, ok);
		double rssPer = (rssAfter - rssBefore) / (double) Math.max(1, ok);
		print(String.format(Locale.ROOT,
				"[%s] connect: %d/%d opened in %.1f s = %.0f handshakes/s, failures by status %s, %d still open after 3 s"
						+ " | server RSS %d -> %d MB = %.1f KB/conn, heap after GC %d -> %d MB = %.1f KB/conn"
						+ " | cpu server %.0f%% (%.0f us per handshake) generator %.0f%%",
				name, ok, connections, seconds, rate, failures, open, rssBefore / 1024, rssAfter / 1024, rssPer,
				heapBefore / 1024, heapAfter / 1024, heapPer, serverCpu, serverCpu * 1e4 * seconds / Math.max(1, ok), genCpu));
		print(String.format(Locale.ROOT, "[%s] connect: server threads %d idle, at most %d during the %d warm-up and %d timed handshakes"
				+ " | generator %.1f us CPU per handshake", name, idleThreads, peakThreads.get(), Math.min(this.connectWarmup, connections),
				connections, genCpu * 1e4 * seconds / Math.max(1, ok)));
		record(name, "connect: handshakes/s", rate);
		record(name, "connect: server us per handshake", serverCpu * 1e4 * seconds / Math.max(1, ok));
		record(name, "connect: generator us per handshake", genCpu * 1e4 * seconds / Math.max(1, ok));
		record(name, "connect: heap KB per idle connection", heapPer);
		record(name, "connect: RSS KB per idle connection", rssPer);
		record(name, "connect: heap + RSS KB per idle connection", heapPer + rssPer);
		record(name, "connect: server threads idle", idleThreads);
		record(name, Figures.THREADS_ADDED, peakThreads.get() - idleThreads);
		this.summary.add(String.format(Locale.ROOT, "  %-12s connect   %6d open, %5.0f handshakes/s (target >= 2500),"
				+ " %.1f KB RSS + %.1f KB heap per idle conn (target RSS <= 10 KB), failures %s", name + " " + this.mode, open, rate,
				rssPer, heapPer, failures));
		conns.forEach(WsClient.Conn::abort);
		Thread.sleep(3000);
		long heapClosed = server.heapAfterGcKb();
		print(String.format(Locale.ROOT, "[%s] connect: after closing them all, heap after GC %d MB (%+.1f KB per closed connection)",
				name, heapClosed / 1024, (heapClosed - heapBefore) / (double) Math.max(1, ok)));
	}

	/**
	 * Opens {@code count} connections, at most 256 handshakes in flight, spread over the
	 * source addresses; failed handshakes are counted by HTTP status (0: no response).
	 */
	private List<WsClient.Conn> open(URI uri, int count, int userOffset, WsClient.Listener listener,
			Map<Integer, Integer> failures) throws InterruptedException {
		return open(uri, tokens(userOffset, count), listener, failures);
	}

	/** Tokens for users {@code load-<offset>} onwards, made before a timed part so that signing is not timed. */
	private String[] tokens(int userOffset, int count) {
		String[] tokens = new String[count];
		for (int i = 0; i < count; i++) {
			tokens[i] = token("load-" + (userOffset + i));
		}
		return tokens;
	}

	private List<WsClient.Conn> open(URI uri, String[] tokens, WsClient.Listener listener,
			Map<Integer, Integer> failures) throws InterruptedException {
		int count = tokens.length;
		Semaphore window = new Semaphore(256);
		List<WsClient.Conn> opened = new ArrayList<>(count);
		CountDownLatch done = new CountDownLatch(count);
		for (int i = 0; i < count; i++) {
			window.acquire();
			InetSocketAddress local = new InetSocketAddress("127.0.0." + (1 + i % this.sourceAddresses), 0);
			this.client.connect(uri, tokens[i], local, listener)
				.orTimeout(30, TimeUnit.SECONDS)
				.whenComplete((conn, ex) -> {
				synchronized (opened) {
					if (ex != null) {
						Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
						// 0: no HTTP response, -1: no answer within 30 s
						int status = (cause instanceof WsClient.HandshakeFailed failed) ? failed.status : -1;
						failures.merge(status, 1, Integer::sum);
					}
					else {
						opened.add(conn);
					}
				}
				window.release();
				done.countDown();
			});
		}
		if (!done.await(300, TimeUnit.SECONDS)) {
			throw new IllegalStateException("handshakes did not finish in 300 s");
		}
		synchronized (opened) {
			return new ArrayList<>(opened);
		}
	}

	/** Instances and bytes per class, from {@code jcmd GC.class_histogram} (which runs a full GC first). */
	private static Map<String, long[]> classHistogram(ServerProcess server) throws Exception {
		Map<String, long[]> histogram = new java.util.HashMap<>();
		java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)")
			.matcher(server.jcmd("GC.class_histogram"));
		while (row.find()) {
			histogram.put(row.group(3), new long[] { Long.parseLong(row.group(1)), Long.parseLong(row.group(2)) });
		}
		return histogram;
	}

	private static void printHistogramGrowth(String name, Map<String, long[]> before, Map<String, long[]> after,
			int connections) {
		long total = 0;
		List<Map.Entry<String, long[]>> growth = new ArrayList<>();
		for (Map.Entry<String, long[]> entry : after.entrySet()) {
			long[] old = before.getOrDefault(entry.getKey(), new long[2]);
			long[] delta = { entry.getValue()[0] - old[0], entry.getValue()[1] - old[1] };
			total += delta[1];
			growth.add(Map.entry(entry.getKey(), delta));
		}
		growth.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
		print(String.format(Locale.ROOT, "[%s] heap growth per connection: %.0f bytes; largest classes (instances and bytes per connection):",
				name, total / (double) connections));
		for (Map.Entry<String, long[]> entry : growth.subList(0, Math.min(Integer.getInteger("load.histogram.rows", 25), growth.size()))) {
			print(String.format(Locale.ROOT, "    %7.2f x %7.0f B  %s", entry.getValue()[0] / (double) connections,
					entry.getValue()[1] / (double) connections, entry.getKey()));
		}
	}

	// ---------------------------------------------------------------- scenario 2: echo

	private static final byte[] ECHO_PREFIX = "{\"type\":\"echo\"".getBytes(StandardCharsets.UTF_8);

	private void echo(String name, ServerProcess server, URI uri) throws Exception {
		String message = "{\"type\":\"echo\",\"payload\":{\"n\":12345,\"text\":\"hello, gateway\"}}";
		Recorder recorder = new Recorder(3);
		AtomicLong roundTrips = new AtomicLong();
		java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
		WsClient.Listener listener = (conn, utf8) -> {
			if (!startsWith(utf8, ECHO_PREFIX)) {
				return;
			}
			long now = System.nanoTime();
			recorder.recordValue(now - conn.sentAt);
			roundTrips.incrementAndGet();
			if (running.get()) {
				conn.sentAt = System.nanoTime();
				conn.send(message);
			}
		};
		List<WsClient.Conn> conns = open(uri, this.echoClients, 20000, listener, new TreeMap<>());
		Thread.sleep(500);
		for (WsClient.Conn conn : conns) {
			conn.channel.eventLoop().execute(() -> {
				conn.sentAt = System.nanoTime();
				conn.send(message);
			});
		}
		Thread.sleep(this.warmupSeconds * 1000L);
		recorder.getIntervalHistogram();
		long count0 = roundTrips.get();
		long cpu0 = server.cpuMillis();
		long gen0 = generatorCpuNanos();
		long start = System.nanoTime();
		profile(server, "echo");
		Thread.sleep(this.echoSeconds * 1000L);
		unprofile(server, "echo");
		Histogram histogram = recorder.getIntervalHistogram();
		double seconds = (System.nanoTime() - start) / 1e9;
		long count = roundTrips.get() - count0;
		double serverCpu = (server.cpuMillis() - cpu0) / 10.0 / seconds;
		double genCpu = (generatorCpuNanos() - gen0) / 1e7 / seconds;
		running.set(false);
		Thread.sleep(500);
		conns.forEach(WsClient.Conn::abort);
		double rate = count / seconds;
		print(String.format(Locale.ROOT,
				"[%s] echo: %d clients, %.0f s: %.0f round trips/s, latency p50 %.2f ms p99 %.2f ms p999 %.2f ms max %.2f ms"
						+ " | cpu server %.0f%% (%.1f us per round trip) generator %.0f%%",
				name, conns.size(), seconds, rate, ms(histogram, 50), ms(histogram, 99), ms(histogram, 99.9),
				histogram.getMaxValue() / 1e6, serverCpu, serverCpu * 1e4 / Math.max(1, rate), genCpu));
		this.summary.add(String.format(Locale.ROOT,
				"  %-12s echo      %6.0f round trips/s (target >= 30000), p99 %.2f ms (target <= 5), p50 %.2f, p999 %.2f",
				name + " " + this.mode, rate, ms(histogram, 99), ms(histogram, 50), ms(histogram, 99.9)));
		record(name, "echo: round trips/s", rate);
		record(name, "echo: server us per round trip", serverCpu * 1e4 / Math.max(1, rate));
		record(name, "echo: generator us per round trip", genCpu * 1e4 / Math.max(1, rate));
		record(name, "echo: p99 ms", ms(histogram, 99));
		Thread.sleep(1000);
	}

	// ---------------------------------------------------------------- scenarios 3 and 4: fan-out

	private static final byte[] TIME_FIELD = "\"t\":".getBytes(StandardCharsets.UTF_8);

	/** Looked up once, at start: the first lookup loads the management classes, which must not delay a send. */
	private static final com.sun.management.OperatingSystemMXBean GENERATOR_OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private static final byte[] SEQUENCE_FIELD = "\"s\":".getBytes(StandardCharsets.UTF_8);

	private static final byte[] JOINED = "\"room_joined\"".getBytes(StandardCharsets.UTF_8);

	/** Where a received message's bytes are copied in one go, so that its fields are found in an array. */
	private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1024]);

	/**
	 * What one event-loop thread measured for one receiving node. Written by that thread
	 * only, so the generator's threads never contend on a counter or a histogram.
	 */
	private static final class Tally {

		final Recorder recorder = new Recorder(3);

		final AtomicLong received = new AtomicLong();

		/** Per broadcast, its slowest delivery, so a tail can be told apart from a few stalls. */
		final AtomicLongArray slowest;

		Tally(int broadcasts) {
			this.slowest = new AtomicLongArray(broadcasts);
		}

		void record(int broadcast, long latency) {
			this.recorder.recordValue(latency);
			this.received.lazySet(this.received.get() + 1);
			if (broadcast >= 0 && broadcast < this.slowest.length() && latency > this.slowest.get(broadcast)) {
				this.slowest.lazySet(broadcast, latency);
			}
		}

	}

	/** Per receiving node: a tally per event-loop thread. */
	private static final class Sink {

		final List<Tally> tallies = new CopyOnWriteArrayList<>();

		private final ThreadLocal<Tally> local;

		/**
		 * Where the warm-up's deliveries are recorded and then dropped: recording them runs the
		 * same code as the measured ones, so the first measured broadcast does not pay for
		 * loading and compiling it.
		 */
		private final ThreadLocal<Tally> rehearsal;

		private final AtomicLong measureFrom;

		Sink(int broadcasts, AtomicLong measureFrom) {
			this.measureFrom = measureFrom;
			this.local = ThreadLocal.withInitial(() -> {
				Tally tally = new Tally(broadcasts);
				this.tallies.add(tally);
				return tally;
			});
			this.rehearsal = ThreadLocal.withInitial(() -> new Tally(broadcasts));
		}

		/** Returns this thread's tally for a broadcast sent at {@code sentAt}: a warm-up one before the measured part. */
		Tally tally(long sentAt) {
			return (sentAt >= this.measureFrom.get()) ? this.local.get() : this.rehearsal.get();
		}

		long received() {
			return this.tallies.stream().mapToLong((tally) -> tally.received.get()).sum();
		}

		Histogram histogram() {
			Histogram histogram = new Histogram(3);
			this.tallies.forEach((tally) -> histogram.add(tally.recorder.getIntervalHistogram()));
			return histogram;
		}

	}

	/** Returns how many broadcasts from {@code from} on had a delivery slower than {@code limit}, and the slowest few. */
	private static String slowest(List<Sink> sinks, int from, int broadcasts, long period, long limit) {
		List<long[]> slow = new ArrayList<>();
		for (int i = from; i < broadcasts; i++) {
			long max = 0;
			for (Sink sink : sinks) {
				for (Tally tally : sink.tallies) {
					max = Math.max(max, tally.slowest.get(i));
				}
			}
			if (max > limit) {
				slow.add(new long[] { i, max });
			}
		}
		String worst = slow.stream()
			.sorted((a, b) -> Long.compare(b[1], a[1]))
			.limit(5)
			.map((b) -> String.format(Locale.ROOT, "%.0f ms at %.2f s", b[1] / 1e6, (b[0] - from) * period / 1e9))
			.collect(Collectors.joining(", "));
		return String.format(Locale.ROOT, "%d of %d broadcasts had a delivery over %d ms%s", slow.size(),
				broadcasts - from, limit / 1_000_000, slow.isEmpty() ? "" : " (slowest: " + worst + ")");
	}

	private void fanout(String name, List<ServerProcess> servers, List<URI> uris, int membersPerNode, int rate,
			int seconds) throws Exception {
		AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
		CountDownLatch joined = new CountDownLatch(membersPerNode * uris.size() + 1);
		List<Sink> sinks = new ArrayList<>();
		List<WsClient.Conn> all = new ArrayList<>();
		AtomicInteger closed = new AtomicInteger();
		WsClient.Conn publisher = null;
		int warmup = rate * this.warmupSeconds;
		int measured = rate * seconds;
		for (int node = 0; node < uris.size(); node++) {
			Sink sink = new Sink(warmup + measured, measureFrom);
			sinks.add(sink);
			WsClient.Listener listener = new WsClient.Listener() {
				@Override
				public void onText(WsClient.Conn conn, ByteBuf utf8) {
					long now = System.nanoTime();
					int length = utf8.readableBytes();
					byte[] scratch = SCRATCH.get();
					byte[] bytes = (length <= scratch.length) ? scratch : new byte[length];
					utf8.getBytes(utf8.readerIndex(), bytes, 0, length);
					long sentAt = longAfter(bytes, length, TIME_FIELD);
					if (sentAt == Long.MIN_VALUE) {
						if (indexOf(bytes, length, JOINED) >= 0) {
							joined.countDown();
						}
						return;
					}
					sink.tally(sentAt).record((int) longAfter(bytes, length, SEQUENCE_FIELD), Math.max(0, now - sentAt));
				}

				@Override
				public void onClose(WsClient.Conn conn) {
					closed.incrementAndGet();
				}
			};
			int members = membersPerNode + ((node == 0) ? 1 : 0);
			List<WsClient.Conn> conns = open(uris.get(node), members, 30000 + node * 10000, listener, new TreeMap<>());
			if (conns.size() != members) {
				throw new IllegalStateException(name + ": only " + conns.size() + " of " + members + " connected");
			}
			for (WsClient.Conn conn : conns) {
				conn.send("{\"type\":\"join_room\",\"room\":\"" + ROOM + "\"}");
			}
			if (node == 0) {
				publisher = conns.get(0);
			}
			all.addAll(conns);
		}
		if (!joined.await(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException(name + ": " + joined.getCount() + " members did not join in 60 s");
		}
		Thread.sleep(1000);
		int receivers = membersPerNode * uris.size();
		long period = TimeUnit.SECONDS.toNanos(1) / rate;
		long[] cpu0 = new long[servers.size()];
		long gen0 = 0;
		long cpuFrom = 0;
		long start = System.nanoTime();
		long measureStart = start + warmup * period;
		for (int i = 0; i < warmup + measured; i++) {
			long due = start + i * period;
			if (i == warmup) {
				// in the gap before the first measured broadcast, so that this work delays no send
				measureFrom.set(measureStart);
				cpuFrom = System.nanoTime();
				for (int s = 0; s < servers.size(); s++) {
					cpu0[s] = servers.get(s).cpuMillis();
				}
				gen0 = generatorCpuNanos();
				profile(servers.get(0), "fanout-" + rate);
			}
			long wait;
			while ((wait = due - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			publisher.send("{\"type\":\"broadcast\",\"room\":\"" + ROOM + "\",\"payload\":{\"t\":" + due + ",\"s\":" + i
					+ "}}");
		}
		unprofile(servers.get(0), "fanout-" + rate);
		long expected = (long) measured * receivers;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (sinks.stream().mapToLong(Sink::received).sum() < expected && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		double elapsed = (System.nanoTime() - measureStart) / 1e9;
		double window = Math.max(seconds, Math.min(elapsed, seconds + 5.0));
		double cpuSeconds = (System.nanoTime() - cpuFrom) / 1e9;
		StringBuilder cpu = new StringBuilder();
		for (int s = 0; s < servers.size(); s++) {
			cpu.append(String.format(Locale.ROOT, "server%s %.0f%% ", (servers.size() > 1) ? "-" + (char) ('a' + s) : "",
					(servers.get(s).cpuMillis() - cpu0[s]) / 10.0 / cpuSeconds));
		}
		double genCpuMillis = (generatorCpuNanos() - gen0) / 1e6;
		cpu.append(String.format(Locale.ROOT, "generator %.0f%%", genCpuMillis / 10.0 / cpuSeconds));
		double serverCpuMillis = 0;
		for (int s = 0; s < servers.size(); s++) {
			serverCpuMillis += servers.get(s).cpuMillis() - cpu0[s];
		}
		Histogram total = new Histogram(3);
		long received = 0;
		StringBuilder perNode = new StringBuilder();
		for (int s = 0; s < sinks.size(); s++) {
			Histogram histogram = sinks.get(s).histogram();
			total.add(histogram);
			received += sinks.get(s).received();
			if (sinks.size() > 1) {
				perNode.append(String.format(Locale.ROOT, " | members on node %c: p50 %.1f ms p99 %.1f ms max %.1f ms",
						'a' + s, ms(histogram, 50), ms(histogram, 99), histogram.getMaxValue() / 1e6));
			}
		}
		long lost = expected - received;
		double deliveries = received / window;
		print(String.format(Locale.ROOT,
				"[%s] fan-out: %d members x %d broadcasts/s, %d s: %.0f deliveries/s (offered %d/s), latency p50 %.1f ms"
						+ " p99 %.1f ms max %.1f ms, lost %d of %d, %d connections closed by the server%s | cpu %s",
				name, receivers, rate, seconds, deliveries, (long) receivers * rate, ms(total, 50), ms(total, 99),
				total.getMaxValue() / 1e6, lost, expected, closed.get(), perNode, cpu));
		long targetMillis = name.equals("crossnode") ? 50 : (rate <= 20) ? 20 : 100;
		print(String.format(Locale.ROOT, "[%s] fan-out %d/s: %s", name, rate,
				slowest(sinks, warmup, warmup + measured, period, TimeUnit.MILLISECONDS.toNanos(targetMillis))));
		String target = (targetMillis == 100) ? "no loss, p99 <= 100 ms" : "p99 <= " + targetMillis + " ms";
		print(String.format(Locale.ROOT, "[%s] fan-out %d/s: server %.2f us CPU per delivery, generator %.2f us", name, rate,
				serverCpuMillis * 1e3 / Math.max(1, received), genCpuMillis * 1e3 / Math.max(1, received)));
		String row = "fan-out " + receivers + " x " + rate + "/s: ";
		record(name, row + "server us per delivery", serverCpuMillis * 1e3 / Math.max(1, received));
		record(name, row + "generator us per delivery", genCpuMillis * 1e3 / Math.max(1, received));
		record(name, row + "p99 ms", ms(total, 99));
		record(name, row + "lost", lost);
		this.summary.add(String.format(Locale.ROOT,
				"  %-12s fan-out   %d x %d/s: %.0f deliveries/s, p99 %.1f ms, max %.1f ms, lost %d (target %s)%s", name + " " + this.mode,
				receivers, rate, deliveries, ms(total, 99), total.getMaxValue() / 1e6, lost, target, perNode));
		all.forEach(WsClient.Conn::abort);
		Thread.sleep(3000);
	}

	// ---------------------------------------------------------------- helpers

	private void record(String server, String row, double value) {
		this.figures.put(this.mode, server, row, value);
	}

	/** With {@code -Dload.jfr=<settings>}: a JFR recording of the server during the measured part of a scenario. */
	private void profile(ServerProcess server, String scenario) throws Exception {
		String settings = property("load.jfr", "");
		if (!settings.isEmpty() && server.isJvm()) {
			server.jcmd("JFR.start", "name=" + scenario, "settings=" + settings);
		}
	}

	private void unprofile(ServerProcess server, String scenario) throws Exception {
		if (!property("load.jfr", "").isEmpty() && server.isJvm()) {
			Path file = this.dir.resolve(server.name + "-" + scenario + ".jfr").toAbsolutePath();
			server.jcmd("JFR.dump", "name=" + scenario, "filename=" + file);
			server.jcmd("JFR.stop", "name=" + scenario);
			print("[" + server.name + "] profile of " + scenario + ": " + file);
		}
	}

	private String token(String user) {
		return Jwts.builder()
			.subject(user)
			.expiration(Date.from(Instant.now().plus(2, ChronoUnit.HOURS)))
			.signWith(this.key)
			.compact();
	}

	private static long generatorCpuNanos() {
		return GENERATOR_OS.getProcessCpuTime();
	}

	private static double ms(Histogram histogram, double percentile) {
		return histogram.getValueAtPercentile(percentile) / 1e6;
	}

	private static boolean startsWith(ByteBuf buf, byte[] prefix) {
		if (buf.readableBytes() < prefix.length) {
			return false;
		}
		int base = buf.readerIndex();
		for (int i = 0; i < prefix.length; i++) {
			if (buf.getByte(base + i) != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private static int indexOf(byte[] bytes, int length, byte[] needle) {
		int to = length - needle.length;
		outer: for (int i = 0; i <= to; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (bytes[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/** The (possibly negative) integer right after {@code field}, or {@code Long.MIN_VALUE}. */
	private static long longAfter(byte[] bytes, int length, byte[] field) {
		int at = indexOf(bytes, length, field);
		if (at < 0) {
			return Long.MIN_VALUE;
		}
		int i = at + field.length;
		boolean negative = i < length && bytes[i] == '-';
		if (negative) {
			i++;
		}
		long value = 0;
		for (; i < length; i++) {
			byte b = bytes[i];
			if (b < '0' || b > '9') {
				break;
			}
			value = value * 10 + (b - '0');
		}
		return negative ? -value : value;
	}

	private static String property(String name, String fallback) {
		String value = System.getProperty(name);
		return (value == null || value.isBlank()) ? fallback : value.trim();
	}

	private static int intProperty(String name, int fallback) {
		return Integer.parseInt(property(name, Integer.toString(fallback)));
	}

	private static List<String> list(String value) {
		return Arrays.stream(value.split(",")).map(String::trim).filter((s) -> !s.isEmpty()).toList();
	}

	private static List<String> words(String value) {
		return Arrays.stream(value.split("\\s+")).filter((s) -> !s.isEmpty()).toList();
	}

	private static String firstLine(String file, String prefix) {
		try {
			return Files.readAllLines(Path.of(file))
				.stream()
				.filter((line) -> line.startsWith(prefix))
				.findFirst()
				.map((line) -> prefix.isEmpty() ? line : line.substring(line.indexOf(':') + 1).trim())
				.orElse("?");
		}
		catch (java.io.IOException ex) {
			return "?";
		}
	}

	private static void print(String line) {
		System.out.println(line);
		System.out.flush();
	}

}
