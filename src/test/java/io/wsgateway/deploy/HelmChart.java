package io.wsgateway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import org.springframework.util.FileSystemUtils;

/**
 * The chart in {@code helm/websocket-gateway}, rendered and linted in process with helm-java
 * (no helm binary), and the rendered objects as plain maps.
 */
final class HelmChart {

	static final Path DIR = Paths.get("helm", "websocket-gateway");

	static final Path MINIMAL_VALUES = DIR.resolve("ci/minimal-values.yaml");

	static final Path ALL_ON_VALUES = DIR.resolve("ci/all-on-values.yaml");

	static final String RELEASE = "gw";

	static final String NAMESPACE = "edge";

	private HelmChart() {
	}

	/**
	 * Renders the chart like {@code helm template gw -n edge -f <files> --set <sets>}.
	 * @param valuesFiles values files, later ones win
	 * @param sets {@code key=value} pairs, as {@code --set}
	 * @return the rendered objects
	 * @throws IllegalStateException with Helm's message when rendering fails
	 */
	static Rendered render(List<Path> valuesFiles, String... sets) {
		TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
		for (Path file : valuesFiles) {
			template = template.withValuesFile(file);
		}
		for (String set : sets) {
			String[] kv = set.split("=", 2);
			template = template.set(kv[0], kv[1]);
		}
		return new Rendered(template.call());
	}

	/** {@code helm install --dry-run=client}: the release's printed output, NOTES.txt included. */
	static String installDryRun(Path valuesFile, String... sets) {
		InstallCommand install = new Helm(DIR).install()
			.withName(RELEASE)
			.withNamespace(NAMESPACE)
			.dryRun()
			.clientOnly()
			.withValuesFile(valuesFile);
		for (String set : sets) {
			String[] kv = set.split("=", 2);
			install = install.set(kv[0], kv[1]);
		}
		return install.call().getOutput();
	}

	/**
	 * Lints (strict) a copy of the chart whose values.yaml is the chart's own merged with
	 * the given file, since {@code helm lint} takes no values of its own here.
	 */
	static LintResult lint(Path valuesFile, Path workDir) {
		try {
			Path copy = workDir.resolve("websocket-gateway");
			FileSystemUtils.copyRecursively(DIR, copy);
			Map<String, Object> values = load(DIR.resolve("values.yaml"));
			deepMerge(values, load(valuesFile));
			DumperOptions options = new DumperOptions();
			options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
			Files.writeString(copy.resolve("values.yaml"), new Yaml(options).dump(values));
			return new Helm(copy).lint().strict().call();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> load(Path file) throws IOException {
		Map<String, Object> map = new Yaml().load(Files.readString(file));
		return (map != null) ? map : new LinkedHashMap<>();
	}

	@SuppressWarnings("unchecked")
	private static void deepMerge(Map<String, Object> target, Map<String, Object> source) {
		source.forEach((key, value) -> {
			if (value instanceof Map<?, ?> sourceMap && target.get(key) instanceof Map<?, ?> targetMap) {
				deepMerge((Map<String, Object>) targetMap, (Map<String, Object>) sourceMap);
			}
			else {
				target.put(key, value);
			}
		});
	}

	/** Walks a map/list tree by a path such as {@code spec.template.spec.containers[0].name}. */
	@SuppressWarnings("unchecked")
	static <T> T at(Object root, String path) {
		Object node = root;
		for (String part : path.split("\\.")) {
			String key = part;
			List<Integer> indexes = new ArrayList<>();
			int bracket = part.indexOf('[');
			if (bracket >= 0) {
				key = part.substring(0, bracket);
				for (String index : part.substring(bracket + 1, part.length() - 1).split("]\\[")) {
					indexes.add(Integer.parseInt(index));
				}
			}
			if (!key.isEmpty()) {
				if (!(node instanceof Map<?, ?> map) || !map.containsKey(key)) {
					throw new AssertionError("no '" + key + "' in path '" + path + "' of " + root);
				}
				node = map.get(key);
			}
			for (int index : indexes) {
				node = ((List<Object>) node).get(index);
			}
		}
		return (T) node;
	}

	/** The objects of one {@code helm template} run. */
	static final class Rendered {

		final String yaml;

		final List<Map<String, Object>> objects = new ArrayList<>();

		@SuppressWarnings("unchecked")
		Rendered(String yaml) {
			this.yaml = yaml;
			for (Object doc : new Yaml().loadAll(yaml)) {
				if (doc != null) {
					this.objects.add((Map<String, Object>) doc);
				}
			}
		}

		List<String> kinds() {
			return this.objects.stream().map((o) -> (String) o.get("kind")).sorted().toList();
		}

		Stream<Map<String, Object>> all(String kind) {
			return this.objects.stream().filter((o) -> kind.equals(o.get("kind")));
		}

		Map<String, Object> one(String kind) {
			List<Map<String, Object>> found = all(kind).toList();
			if (found.size() != 1) {
				throw new AssertionError("expected one " + kind + " but found " + found.size());
			}
			return found.get(0);
		}

		Map<String, Object> named(String kind, String name) {
			return all(kind).filter((o) -> Objects.equals(at(o, "metadata.name"), name))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
		}

		Map<String, Object> gatewayContainer() {
			return at(one("Deployment"), "spec.template.spec.containers[0]");
		}

		String applicationYml() {
			Map<String, Object> data = at(one("ConfigMap"), "data");
			return (String) data.get("application.yml");
		}

	}

}
