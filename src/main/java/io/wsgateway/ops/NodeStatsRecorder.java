package io.wsgateway.ops;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.wsgateway.NodeIdentity;
import io.wsgateway.bus.BusEvent;
import io.wsgateway.bus.BusEventListener;
import io.wsgateway.bus.EventBus;
import io.wsgateway.bus.MalformedEventException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * The console's view of the cluster over time: every {@code sample-interval} this node
 * samples itself (connections, users, load, health level, handshakes by outcome, messages
 * per second, closes by code, bus round trip p99, its largest rooms and clans, its
 * upstream targets), keeps the sample in a bounded ring and publishes it on
 * {@code cluster.stats}; the other nodes' samples arrive there and fill a ring per node.
 * So any node answers for the whole cluster, the last {@code history} included, without
 * asking the others.
 *
 * <p>Counters are sent as differences over the interval, so a ring holds rates directly
 * and a sample lost on the way costs one point of a chart and nothing else.
 */
@Component
class NodeStatsRecorder implements BusEventListener, SmartInitializingSingleton, DisposableBean {

	static final String KEY = "cluster.stats";

	/** Nodes kept at most: samples from a flood of made-up senders cannot grow memory without end. */
	static final int MAX_NODES = 256;

	static final int LARGEST = 20;

	private static final Logger logger = LoggerFactory.getLogger(NodeStatsRecorder.class);

	/** One node's recent samples, oldest first. */
	record NodeSeries(String node, String instance, long lastHeardNanos, List<JsonNode> samples) {
	}

	private static final class Ring {

		private final String node;

		private final Deque<JsonNode> samples = new ArrayDeque<>();

		private long lastHeardNanos;

		Ring(String node) {
			this.node = node;
		}

	}

	private final WebSocketEndpoint stats;

	private final EventBus bus;

	private final JsonMapper mapper;

	private final MeterRegistry registry;

	private final ConsoleProperties properties;

	private final String node;

	private final String instance;

	private final ScheduledThreadPoolExecutor scheduler;

	private final Map<String, Ring> rings = new LinkedHashMap<>();

	private Map<String, Long> previousCounts = Map.of();

	private long previousNanos = System.nanoTime();

	private long[] previousBuckets;

	private long previousBusCount;

	NodeStatsRecorder(NodeIdentity node, WebSocketEndpoint stats, EventBus bus, JsonMapper mapper,
			MeterRegistry registry, ConsoleProperties properties) {
		this.stats = stats;
		this.bus = bus;
		this.mapper = mapper;
		this.registry = registry;
		this.properties = properties;
		this.node = node.name();
		this.instance = node.instance();
		this.scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "gateway-console-stats");
			thread.setDaemon(true);
			return thread;
		});
	}

	/** Starts sampling and, with a broker, listening to the others; called once at start-up. */
	@Override
	public void afterSingletonsInstantiated() {
		if (this.bus.reachesOtherNodes()) {
			this.bus.bind(KEY);
		}
		long interval = this.properties.sampleInterval().toMillis();
		this.scheduler.scheduleAtFixedRate(this::sample, 0, interval, TimeUnit.MILLISECONDS);
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

	/** Returns every node heard from within three intervals, this one first, each with its samples. */
	List<NodeSeries> nodes() {
		long silent = 3 * this.properties.sampleInterval().toNanos();
		long now = System.nanoTime();
		List<NodeSeries> nodes = new ArrayList<>();
		synchronized (this.rings) {
			this.rings.entrySet().removeIf((ring) -> !ring.getKey().equals(this.instance)
					&& now - ring.getValue().lastHeardNanos > silent);
			Ring own = this.rings.get(this.instance);
			if (own != null) {
				nodes.add(series(this.instance, own));
			}
			this.rings.forEach((instance, ring) -> {
				if (!instance.equals(this.instance)) {
					nodes.add(series(instance, ring));
				}
			});
		}
		return nodes;
	}

	private static NodeSeries series(String instance, Ring ring) {
		return new NodeSeries(ring.node, instance, ring.lastHeardNanos, List.copyOf(ring.samples));
	}

	@Override
	public String prefix() {
		return KEY;
	}

	/** Records another node's sample; called on the bus consumer thread (this node's own are skipped). */
	@Override
	public int onEvent(BusEvent event) {
		if (this.instance.equals(event.origin())) {
			return 0;
		}
		JsonNode sample;
		try {
			sample = this.mapper.readTree(event.body());
		}
		catch (JacksonException ex) {
			throw new MalformedEventException("unreadable node stats: " + ex.getOriginalMessage());
		}
		String node = sample.path("node").asString("");
		String instance = sample.path("instance").asString("");
		if (node.isEmpty() || instance.isEmpty()) {
			throw new MalformedEventException("node stats without node or instance");
		}
		record(instance, node, sample);
		return 0;
	}

	private void record(String instance, String node, JsonNode sample) {
		synchronized (this.rings) {
			Ring ring = this.rings.get(instance);
			if (ring == null) {
				if (this.rings.size() >= MAX_NODES) {
					return;
				}
				ring = new Ring(node);
				this.rings.put(instance, ring);
			}
			ring.lastHeardNanos = System.nanoTime();
			ring.samples.addLast(sample);
			while (ring.samples.size() > this.properties.samples()) {
				ring.samples.removeFirst();
			}
		}
	}

	private void sample() {
		try {
			ObjectNode sample = take();
			record(this.instance, this.node, sample);
			if (this.bus.reachesOtherNodes()) {
				this.bus.publish(new BusEvent.Frame(KEY, "presence", this.mapper.writeValueAsString(sample),
						this.instance, null)).exceptionally((failure) -> {
							// the next sample is as good; the others' charts miss one point
							logger.debug("Node stats not published: {}", failure.toString());
							return null;
						});
			}
		}
		catch (RuntimeException ex) {
			// keep sampling: the next interval tries again
			logger.error("Sampling node stats failed", ex);
		}
	}

	@SuppressWarnings("unchecked")
	private ObjectNode take() {
		Map<String, Object> stats = this.stats.stats();
		long now = System.nanoTime();
		double seconds = Math.max(1e-3, (now - this.previousNanos) / 1e9);
		this.previousNanos = now;
		Map<String, Long> counts = new LinkedHashMap<>();
		Map<String, Object> messages = (Map<String, Object>) stats.get("messages");
		counts.put("in", sum((Map<String, Long>) messages.get("in")));
		counts.put("out", sum((Map<String, Long>) messages.get("out")));
		Map<String, Object> handshakes = (Map<String, Object>) stats.get("handshakes");
		counts.put("handshake.accepted", (Long) handshakes.get("accepted"));
		((Map<String, Long>) handshakes.get("rejected")).forEach((outcome, count) -> counts.put("handshake." + outcome,
				count));
		((Map<Integer, Long>) stats.get("closes")).forEach((code, count) -> counts.put("close." + code, count));

		ObjectNode sample = this.mapper.createObjectNode();
		sample.put("node", this.node);
		sample.put("instance", this.instance);
		sample.put("at", System.currentTimeMillis());
		sample.put("connections", (Integer) stats.get("connections"));
		sample.put("users", (Integer) stats.get("users"));
		int max = (Integer) stats.get("maxConnections");
		sample.put("maxConnections", max);
		sample.put("load", (max > 0) ? ((Integer) stats.get("connections")) / (double) max : 0);
		Map<String, Object> health = (Map<String, Object>) stats.get("health");
		sample.put("level", (String) health.get("level"));
		List<?> history = (List<?>) health.get("history");
		sample.set("history", this.mapper.valueToTree(history.subList(Math.max(0, history.size() - 5), history.size())));
		sample.put("inPerSecond", delta(counts, "in") / seconds);
		sample.put("outPerSecond", delta(counts, "out") / seconds);
		ObjectNode handshakeDeltas = sample.putObject("handshakes");
		ObjectNode closeDeltas = sample.putObject("closes");
		counts.forEach((name, count) -> {
			if (name.startsWith("handshake.")) {
				handshakeDeltas.put(name.substring("handshake.".length()), delta(counts, name));
			}
			else if (name.startsWith("close.")) {
				closeDeltas.put(name.substring("close.".length()), delta(counts, name));
			}
		});
		this.previousCounts = counts;
		Double p99 = busRoundtripP99Millis();
		if (p99 != null) {
			sample.put("busP99Millis", p99);
		}
		Map<String, Object> rooms = (Map<String, Object>) stats.get("rooms");
		sample.set("rooms", this.mapper.valueToTree(
				WebSocketStatsContributor.largest(asSizes(rooms, "members"), LARGEST)));
		Map<String, Object> subscriptions = (Map<String, Object>) stats.get("subscriptions");
		sample.set("clans", this.mapper.valueToTree(WebSocketStatsContributor.largest(
				asSizes((Map<String, Object>) subscriptions.get("clan_chat"), "largest"), LARGEST)));
		Object upstreams = stats.get("upstreams");
		if (upstreams != null) {
			sample.set("upstreams", this.mapper.valueToTree(upstreams));
		}
		return sample;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Integer> asSizes(Map<String, Object> section, String field) {
		if (section == null || !(section.get(field) instanceof Map<?, ?> sizes)) {
			return Map.of();
		}
		return (Map<String, Integer>) sizes;
	}

	private long delta(Map<String, Long> counts, String name) {
		return Math.max(0, counts.get(name) - this.previousCounts.getOrDefault(name, 0L));
	}

	private static long sum(Map<String, Long> counts) {
		long sum = 0;
		for (long count : counts.values()) {
			sum += count;
		}
		return sum;
	}

	/**
	 * Returns the bus round trip's p99 over the last interval, as the upper bound of the
	 * histogram bucket it falls in, or {@code null} without round trips in the interval.
	 */
	private Double busRoundtripP99Millis() {
		Timer timer = this.registry.find("gateway.bus.roundtrip").timer();
		if (timer == null) {
			return null;
		}
		HistogramSnapshot snapshot = timer.takeSnapshot();
		CountAtBucket[] buckets = snapshot.histogramCounts();
		long[] counts = new long[buckets.length];
		for (int i = 0; i < buckets.length; i++) {
			counts[i] = (long) buckets[i].count();
		}
		long[] previous = this.previousBuckets;
		long total = snapshot.count() - this.previousBusCount;
		this.previousBuckets = counts;
		this.previousBusCount = snapshot.count();
		if (previous == null || previous.length != counts.length || total <= 0) {
			return null;
		}
		for (int i = 0; i < counts.length; i++) {
			// the buckets are cumulative: the first one holding 99 % of the interval's round trips
			if (counts[i] - previous[i] >= 0.99 * total) {
				return buckets[i].bucket(TimeUnit.NANOSECONDS) / 1e6;
			}
		}
		return null;
	}

}
