package io.wsgateway.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.wsgateway.NodeProperties;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/cluster}: every node of the cluster as this node knows it from the
 * nodes' samples ({@link NodeStatsRecorder}): each node's latest state and its series over
 * the last {@code gateway.console.history}, and the largest rooms and clans with their
 * members per node. Read-only; needs the management credential. The operator console
 * reads it every few seconds.
 */
@Component
@Endpoint(id = "cluster")
class ClusterEndpoint {

	private static final int LARGEST = 20;

	private final NodeProperties node;

	private final NodeStatsRecorder recorder;

	private final ConsoleProperties properties;

	ClusterEndpoint(NodeProperties node, NodeStatsRecorder recorder, ConsoleProperties properties) {
		this.node = node;
		this.recorder = recorder;
		this.properties = properties;
	}

	/** Called for each read of the endpoint; returns the cluster view described above. */
	@ReadOperation
	Map<String, Object> cluster() {
		List<NodeStatsRecorder.NodeSeries> nodes = this.recorder.nodes();
		Map<String, Object> cluster = new LinkedHashMap<>();
		cluster.put("node", this.node.nodeId());
		cluster.put("sampleIntervalSeconds", this.properties.sampleInterval().toSeconds());
		List<Map<String, Object>> described = new ArrayList<>();
		for (NodeStatsRecorder.NodeSeries series : nodes) {
			if (series.samples().isEmpty()) {
				continue;
			}
			Map<String, Object> node = new LinkedHashMap<>();
			node.put("node", series.node());
			node.put("instance", series.instance());
			node.put("latest", series.samples().get(series.samples().size() - 1));
			node.put("series", series(series.samples()));
			described.add(node);
		}
		cluster.put("nodes", described);
		cluster.put("rooms", largest(nodes, "rooms"));
		cluster.put("clans", largest(nodes, "clans"));
		return cluster;
	}

	private static Map<String, Object> series(List<JsonNode> samples) {
		List<Long> at = new ArrayList<>(samples.size());
		List<Integer> connections = new ArrayList<>(samples.size());
		List<Double> in = new ArrayList<>(samples.size());
		List<Double> out = new ArrayList<>(samples.size());
		List<Double> busP99 = new ArrayList<>(samples.size());
		Map<String, List<Long>> handshakes = new TreeMap<>();
		Map<String, List<Long>> closes = new TreeMap<>();
		for (int i = 0; i < samples.size(); i++) {
			JsonNode sample = samples.get(i);
			at.add(sample.path("at").asLong());
			connections.add(sample.path("connections").asInt());
			in.add(sample.path("inPerSecond").asDouble());
			out.add(sample.path("outPerSecond").asDouble());
			busP99.add(sample.has("busP99Millis") ? sample.get("busP99Millis").asDouble() : null);
			column(handshakes, sample.path("handshakes"), i, samples.size());
			column(closes, sample.path("closes"), i, samples.size());
		}
		// a close code seen only in some samples is zero, not missing, in the others
		closes.values().forEach((values) -> values.replaceAll((value) -> (value != null) ? value : 0L));
		handshakes.values().forEach((values) -> values.replaceAll((value) -> (value != null) ? value : 0L));
		Map<String, Object> series = new LinkedHashMap<>();
		series.put("at", at);
		series.put("connections", connections);
		series.put("inPerSecond", in);
		series.put("outPerSecond", out);
		series.put("busP99Millis", busP99);
		series.put("handshakes", handshakes);
		series.put("closes", closes);
		return series;
	}

	private static void column(Map<String, List<Long>> columns, JsonNode values, int index, int size) {
		values.properties().forEach((entry) -> {
			List<Long> column = columns.computeIfAbsent(entry.getKey(), (key) -> {
				List<Long> empty = new ArrayList<>(size);
				for (int i = 0; i < size; i++) {
					empty.add(null);
				}
				return empty;
			});
			column.set(index, entry.getValue().asLong());
		});
	}

	/** Returns the largest rooms (or clans) over all nodes, each with its members per node. */
	private static List<Map<String, Object>> largest(List<NodeStatsRecorder.NodeSeries> nodes, String field) {
		Map<String, Map<String, Integer>> perNode = new LinkedHashMap<>();
		for (NodeStatsRecorder.NodeSeries series : nodes) {
			if (series.samples().isEmpty()) {
				continue;
			}
			JsonNode latest = series.samples().get(series.samples().size() - 1);
			latest.path(field).properties().forEach((entry) -> perNode
				.computeIfAbsent(entry.getKey(), (key) -> new LinkedHashMap<>())
				.merge(series.node(), entry.getValue().asInt(), Integer::sum));
		}
		return perNode.entrySet()
			.stream()
			.map((entry) -> Map.<String, Object>of("name", entry.getKey(), "members",
					entry.getValue().values().stream().mapToInt(Integer::intValue).sum(), "nodes", entry.getValue()))
			.sorted(Comparator.comparingInt((Map<String, Object> entry) -> (Integer) entry.get("members")).reversed())
			.limit(LARGEST)
			.toList();
	}

}
