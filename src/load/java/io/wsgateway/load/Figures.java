package io.wsgateway.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The figures of one harness run, by mode, server and row, and the summary that prints each
 * as a ratio to the Node peer's of the same mode (issue 19): only ratios from one run count,
 * because this machine's speed drifts between runs by more than the differences measured.
 */
final class Figures {

	/** The peer every ratio is taken against. */
	static final String PEER = "node";

	/**
	 * Rows whose ratio to the peer has a target for the gateway, with the largest ratio that
	 * meets it; lower is better for every row of the summary except the rates.
	 */
	private static final Map<String, Double> RATIO_TARGETS = Map.of("echo: server us per round trip", 0.7,
			"echo: p99 ms", 1.0, "connect: server us per handshake", 1.0, "connect: heap + RSS KB per idle connection",
			1.0);

	/** The row of the threads a connect storm added to the server's idle count, at their most. */
	static final String THREADS_ADDED = "connect: server threads added (peak)";

	private final Map<String, Map<String, Map<String, Double>>> values = new LinkedHashMap<>();

	private final Set<String> rows = new LinkedHashSet<>();

	/** Records one figure; called by the scenarios as each line is printed. */
	synchronized void put(String mode, String server, String row, double value) {
		this.rows.add(row);
		this.values.computeIfAbsent(mode, (m) -> new LinkedHashMap<>())
			.computeIfAbsent(server, (s) -> new LinkedHashMap<>())
			.put(row, value);
	}

	/** Returns the summary lines: per mode, a table of rows by server with ratios to the peer, then the targets' verdicts. */
	synchronized List<String> summary(int cores) {
		List<String> lines = new ArrayList<>();
		for (Map.Entry<String, Map<String, Map<String, Double>>> mode : this.values.entrySet()) {
			Map<String, Map<String, Double>> servers = mode.getValue();
			lines.add("");
			lines.add("mode " + mode.getKey() + " (ratio to the " + PEER + " peer of the same mode in brackets):");
			StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-46s", ""));
			servers.keySet().forEach((server) -> head.append(String.format(Locale.ROOT, " %22s", server)));
			lines.add(head.toString());
			for (String row : this.rows) {
				if (servers.values().stream().noneMatch((figures) -> figures.containsKey(row))) {
					continue;
				}
				StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-46s", row));
				Double peer = servers.getOrDefault(PEER, Map.of()).get(row);
				for (Map<String, Double> figures : servers.values()) {
					Double value = figures.get(row);
					String cell = (value == null) ? "-" : format(value);
					if (value != null && peer != null && peer > 0 && figures != servers.get(PEER)) {
						cell += String.format(Locale.ROOT, " (%.2f)", value / peer);
					}
					line.append(String.format(Locale.ROOT, " %22s", cell));
				}
				lines.add(line.toString());
			}
			lines.addAll(verdicts(mode.getKey(), servers, cores));
		}
		lines.addAll(modeComparison());
		return lines;
	}

	private List<String> verdicts(String mode, Map<String, Map<String, Double>> servers, int cores) {
		List<String> lines = new ArrayList<>();
		Map<String, Double> gateway = servers.get("gateway");
		Map<String, Double> peer = servers.get(PEER);
		if (gateway == null) {
			return lines;
		}
		lines.add("  targets of issue 19 for the gateway, mode " + mode + ":");
		for (String row : this.rows) {
			Double target = ratioTarget(row);
			Double value = gateway.get(row);
			if (target == null || value == null) {
				continue;
			}
			Double reference = (peer != null) ? peer.get(row) : null;
			if (reference == null || reference <= 0) {
				lines.add(String.format(Locale.ROOT, "    %-46s %s, no %s figure to compare", row, format(value), PEER));
				continue;
			}
			double ratio = value / reference;
			lines.add(String.format(Locale.ROOT, "    %-46s ratio %.2f (target <= %.1f) %s", row, ratio, target,
					(ratio <= target) ? "met" : "MISSED"));
		}
		for (String row : this.rows) {
			if (row.endsWith(": lost") && gateway.containsKey(row)) {
				lines.add(String.format(Locale.ROOT, "    %-46s %.0f (target 0) %s", row, gateway.get(row),
						(gateway.get(row) == 0) ? "met" : "MISSED"));
			}
		}
		Double threads = gateway.get(THREADS_ADDED);
		if (threads != null) {
			// Jetty's pool keeps a few idle threads (min 8) that a storm reuses before it adds any
			lines.add(String.format(Locale.ROOT, "    %-46s %.0f (target <= %d, 8 per core) %s", THREADS_ADDED, threads,
					8 * cores, (threads <= 8 * cores) ? "met" : "MISSED"));
		}
		return lines;
	}

	/** Shared mode's ratios against per-core mode's: the issue asks for every one at least as good. */
	private List<String> modeComparison() {
		Map<String, Map<String, Double>> shared = this.values.get("shared");
		Map<String, Map<String, Double>> perCore = this.values.get("per-core");
		List<String> lines = new ArrayList<>();
		if (shared == null || perCore == null || !shared.containsKey("gateway") || !perCore.containsKey("gateway")) {
			return lines;
		}
		lines.add("");
		lines.add("gateway's ratio to the " + PEER + " peer, shared against per-core mode (target: shared <= per-core):");
		for (String row : this.rows) {
			if (ratioTarget(row) == null) {
				continue;
			}
			Double a = ratio(shared, row);
			Double b = ratio(perCore, row);
			if (a != null && b != null) {
				lines.add(String.format(Locale.ROOT, "    %-46s shared %.2f, per-core %.2f %s", row, a, b,
						(a <= b) ? "met" : "MISSED"));
			}
		}
		return lines;
	}

	private static Double ratio(Map<String, Map<String, Double>> servers, String row) {
		Double value = servers.getOrDefault("gateway", Map.of()).get(row);
		Double peer = servers.getOrDefault(PEER, Map.of()).get(row);
		return (value == null || peer == null || peer <= 0) ? null : value / peer;
	}

	/** The ratio target of a row; fan-out rows share theirs whatever the rate. */
	private static Double ratioTarget(String row) {
		if (row.startsWith("fan-out") && row.endsWith("server us per delivery")) {
			return 0.7;
		}
		if (row.startsWith("fan-out") && row.endsWith("p99 ms")) {
			return 1.0;
		}
		return RATIO_TARGETS.get(row);
	}

	private static String format(double value) {
		return (Math.abs(value) >= 100) ? String.format(Locale.ROOT, "%.0f", value)
				: String.format(Locale.ROOT, "%.2f", value);
	}

}
