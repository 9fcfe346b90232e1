package io.wsgateway.ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A parsed Prometheus text exposition (format 0.0.4), for exact assertions on series:
 * {@code scrape.value("gateway_messages_total", "direction", "in", "type", "echo")}.
 */
final class Prometheus {

	/** One sample line: metric name, labels and value. */
	record Sample(String name, Map<String, String> labels, double value) {
	}

	private final String text;

	private final List<Sample> samples;

	private Prometheus(String text, List<Sample> samples) {
		this.text = text;
		this.samples = samples;
	}

	static Prometheus parse(String text) {
		List<Sample> samples = new ArrayList<>();
		for (String line : text.split("\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			samples.add(sample(line));
		}
		return new Prometheus(text, Collections.unmodifiableList(samples));
	}

	/** Returns the raw scrape. */
	String text() {
		return this.text;
	}

	/** Returns every sample line. */
	List<Sample> samples() {
		return this.samples;
	}

	/** Returns the samples of one metric name. */
	List<Sample> samples(String name) {
		return this.samples.stream().filter((sample) -> sample.name().equals(name)).toList();
	}

	/** Returns the value of the one series with exactly these labels, failing if there is none. */
	double value(String name, String... labelNamesAndValues) {
		Map<String, String> labels = new TreeMap<>();
		for (int i = 0; i < labelNamesAndValues.length; i += 2) {
			labels.put(labelNamesAndValues[i], labelNamesAndValues[i + 1]);
		}
		return this.samples.stream()
			.filter((sample) -> sample.name().equals(name) && sample.labels().equals(labels))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no series " + name + labels + " in the scrape; series of that name: "
					+ samples(name)))
			.value();
	}

	private static Sample sample(String line) {
		String name;
		Map<String, String> labels = new TreeMap<>();
		int position;
		int brace = line.indexOf('{');
		int space = line.indexOf(' ');
		if (brace >= 0 && brace < space) {
			name = line.substring(0, brace);
			position = brace + 1;
			while (line.charAt(position) != '}') {
				int equals = line.indexOf('=', position);
				String label = line.substring(position, equals);
				StringBuilder value = new StringBuilder();
				int i = equals + 2; // after ="
				while (line.charAt(i) != '"') {
					char c = line.charAt(i);
					if (c == '\\') {
						char escaped = line.charAt(++i);
						value.append((escaped == 'n') ? '\n' : escaped);
					}
					else {
						value.append(c);
					}
					i++;
				}
				labels.put(label, value.toString());
				position = i + 1;
				if (line.charAt(position) == ',') {
					position++;
				}
			}
			position++;
		}
		else {
			name = line.substring(0, space);
			position = space;
		}
		String[] rest = line.substring(position).trim().split(" ");
		double value = switch (rest[0]) {
			case "+Inf" -> Double.POSITIVE_INFINITY;
			case "-Inf" -> Double.NEGATIVE_INFINITY;
			default -> Double.parseDouble(rest[0]);
		};
		return new Sample(name, Collections.unmodifiableMap(labels), value);
	}

}
