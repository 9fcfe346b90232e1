package io.wsgateway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chart's README, generated from {@code Chart.yaml} and the {@code # --} comments of
 * {@code values.yaml} in the manner of helm-docs: a value is documented by the {@code # --}
 * comment (and the {@code #} lines that follow it) right above its key, and its default is
 * what {@code values.yaml} holds at that key.
 */
final class ChartReadme {

	static final Path FILE = HelmChart.DIR.resolve("README.md");

	private static final Pattern DOC_START = Pattern.compile("^(\\s*)# -- ?(.*)$");

	private static final Pattern DOC_MORE = Pattern.compile("^(\\s*)#(?: (.*))?$");

	private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_]+):.*$");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ChartReadme() {
	}

	/** Returns the README that the chart's files produce now. */
	static String generate() {
		Map<String, Object> chart = load(HelmChart.DIR.resolve("Chart.yaml"));
		Path values = HelmChart.DIR.resolve("values.yaml");
		Map<String, Object> defaults = load(values);
		StringBuilder out = new StringBuilder();
		out.append("# ").append(chart.get("name")).append("\n\n");
		out.append(String.valueOf(chart.get("description")).strip()).append("\n\n");
		out.append("Version ").append(chart.get("version")).append(", app version ").append(chart.get("appVersion"))
			.append(".\n\n");
		out.append("This file is generated from `Chart.yaml` and the `# --` comments of `values.yaml` by ")
			.append("`ChartReadmeTests` (run it with `-Dchart.readme.write=true` to rewrite it); do not edit it.\n\n");
		out.append("```\nhelm install gw ./helm/websocket-gateway --set rabbitmq.host=rabbitmq \\\n")
			.append("  --set-file jwt.publicKey=jwt.pub --set rabbitmq.password=...\n```\n\n");
		out.append("See docs/kubernetes.md in the repository for the walk-through.\n\n");
		out.append("## Values\n\n| key | type | default | description |\n|---|---|---|---|\n");
		for (Documented value : documented(lines(values))) {
			Object defaultValue = at(defaults, value.key());
			out.append("| `").append(value.key()).append("` | ").append(type(defaultValue)).append(" | `")
				.append(cell(JSON.writeValueAsString(defaultValue))).append("` | ").append(cell(value.text()))
				.append(" |\n");
		}
		return out.toString();
	}

	private record Documented(String key, String text) {
	}

	private static List<Documented> documented(List<String> lines) {
		List<Documented> found = new ArrayList<>();
		Deque<String[]> parents = new ArrayDeque<>();
		StringBuilder text = null;
		for (String line : lines) {
			Matcher start = DOC_START.matcher(line);
			Matcher more = DOC_MORE.matcher(line);
			Matcher key = KEY.matcher(line);
			if (start.matches()) {
				text = new StringBuilder(start.group(2).strip());
			}
			else if (more.matches()) {
				if (text != null && more.group(2) != null) {
					text.append(' ').append(more.group(2).strip());
				}
			}
			else if (key.matches()) {
				String indent = key.group(1);
				while (!parents.isEmpty() && parents.peek()[0].length() >= indent.length()) {
					parents.pop();
				}
				StringBuilder path = new StringBuilder();
				parents.descendingIterator().forEachRemaining((parent) -> path.append(parent[1]).append('.'));
				path.append(key.group(2));
				if (text != null) {
					found.add(new Documented(path.toString(), text.toString()));
				}
				parents.push(new String[] { indent, key.group(2) });
				text = null;
			}
			else if (!line.isBlank()) {
				text = null;
			}
		}
		return found;
	}

	@SuppressWarnings("unchecked")
	private static Object at(Map<String, Object> root, String path) {
		Object node = root;
		for (String part : path.split("\\.")) {
			node = ((Map<String, Object>) node).get(part);
		}
		return node;
	}

	private static String type(Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof Map) {
			return "object";
		}
		if (value instanceof List) {
			return "list";
		}
		if (value instanceof Boolean) {
			return "bool";
		}
		if (value instanceof Integer || value instanceof Long) {
			return "int";
		}
		if (value instanceof Number) {
			return "float";
		}
		return "string";
	}

	private static String cell(String text) {
		return text.replace("|", "\\|");
	}

	private static Map<String, Object> load(Path file) {
		try {
			return new Yaml().load(Files.readString(file, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<String> lines(Path file) {
		try {
			return Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
