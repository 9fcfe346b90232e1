package io.wsgateway;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsgateway.ConfigurationReference.Property;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The configuration reference of {@code docs/configuration.md} is generated from the
 * metadata the configuration processor writes from the records: this test fails when the
 * page differs from what the metadata generates, and rewrites the page's generated section
 * when run with {@code -Dconfiguration.reference.write=true}. It also holds the page's other
 * sources of truth to the records: the metadata's defaults are what the records bind to,
 * {@code application.yml} repeats none of them, the hand-written rows agree with
 * {@code application.yml}, PROTOCOL.md section 7 agrees with the metadata, and the upstream
 * routes' page gives the route records' defaults.
 */
class ConfigurationReferenceTests {

	private static final Pattern NAMED_DEFAULT = Pattern.compile("`([a-z0-9.-]+)` \\[([^\\]]*)]");

	/** Defaults that PROTOCOL.md and the page spell in words, for a property without one. */
	private static final List<String> NO_DEFAULT = List.of("none", "empty", "same origin only", "host name");

	@Test
	void referenceIsGeneratedFromTheMetadata() throws IOException {
		String generated = ConfigurationReference.page();
		if (Boolean.getBoolean("configuration.reference.write")) {
			Files.writeString(ConfigurationReference.PAGE, generated, StandardCharsets.UTF_8);
		}
		assertThat(ConfigurationReference.PAGE)
			.as("regenerate with ./mvnw test -Dtest=ConfigurationReferenceTests -Dconfiguration.reference.write=true")
			.hasContent(generated);
	}

	@Test
	void referenceDescribesRecordComponentsWithTheirDefaults() {
		assertThat(ConfigurationReference.generate())
			.contains("| `gateway.websocket.max-message-size` | size | `512KB` | the largest inbound text message;")
			.contains("| `gateway.bus.type` | `local` or `rabbitmq` | `local` |")
			.contains("| `gateway.security.jwt.issuer` | text | none | the required `iss`;")
			.contains("| `gateway.rooms.fan-out-threads` | integer | `2` | threads that deliver one message to a"
					+ " large channel (at least 256 local members: a room, a clan chat,");
	}

	@Test
	void metadataDefaultsAreWhatTheRecordsBindToWithoutConfiguration() throws Exception {
		Binder empty = new Binder(ConfigurationPropertySources.from(List.of()));
		Map<String, Object> records = new LinkedHashMap<>();
		List<String> wrong = new ArrayList<>();
		for (Property property : ConfigurationReference.properties()) {
			Class<?> type = recordOf(property);
			if (type == null) {
				continue; // an Actuator endpoint's settings, Spring Boot's own
			}
			String prefix = topLevelPrefix(property, type);
			Object record = records.computeIfAbsent(prefix, (key) -> empty.bindOrCreate(key, type));
			Object bound = component(record, property.name().substring(prefix.length() + 1));
			boolean computed = property.defaultValue() == null && property.description().contains("defaults to");
			if (!computed && !isDefault(property, bound)) {
				wrong.add(property.name() + ": metadata " + property.defaultValue() + ", record " + bound);
			}
		}
		assertThat(records).as("records bound").hasSizeGreaterThan(10);
		assertThat(wrong).as("a default the processor did not see (use @DefaultValue), or a computed default the "
				+ "description does not state with 'defaults to'").isEmpty();
	}

	@Test
	void applicationYmlRepeatsNoDefaultOfTheRecords() throws IOException {
		Map<String, Object> yml = applicationYml();
		List<String> repeated = new ArrayList<>();
		for (Property property : ConfigurationReference.properties()) {
			Object value = yml.get(property.name());
			if (value != null && property.defaultValue() != null && value.toString().equals(property.defaultValue())) {
				repeated.add(property.name() + "=" + value);
			}
		}
		assertThat(repeated).as("application.yml sets only what differs from the records' defaults").isEmpty();
	}

	@Test
	void handWrittenRowsGiveTheValuesApplicationYmlSets() throws IOException {
		Map<String, Object> yml = applicationYml();
		String page = ConfigurationReference.read(ConfigurationReference.PAGE);
		String handWritten = page.substring(0, page.indexOf(ConfigurationReference.BEGIN))
				+ page.substring(page.indexOf(ConfigurationReference.END));
		int checked = 0;
		Matcher row = NAMED_DEFAULT.matcher(handWritten);
		while (row.find()) {
			Object value = yml.get(row.group(1));
			if (value != null) {
				assertThat(row.group(2)).as("%s on the page against application.yml", row.group(1))
					.isEqualTo(value.toString());
				checked++;
			}
		}
		assertThat(checked).as("hand-written rows of settings application.yml sets").isGreaterThanOrEqualTo(3);
	}

	@Test
	void protocolSectionSevenAgreesWithTheMetadata() {
		// beside the project as ../shared/ in a checkout and in CI; -Dprotocol.md names it from elsewhere
		Path protocol = Path.of(System.getProperty("protocol.md", "../shared/PROTOCOL.md"));
		assumeTrue(Files.exists(protocol), "no " + protocol + " (set -Dprotocol.md)");
		String text = ConfigurationReference.read(protocol);
		String section = text.substring(text.indexOf("## 7."), text.indexOf("## 8."));
		Map<String, Property> metadata = new LinkedHashMap<>();
		ConfigurationReference.properties().forEach((property) -> metadata.put(property.name(), property));
		int checked = 0;
		Matcher row = NAMED_DEFAULT.matcher(section);
		while (row.find()) {
			if (!row.group(1).startsWith("gateway.")) {
				continue; // Spring Boot's own, such as server.port
			}
			Property property = metadata.get(row.group(1));
			assertThat(property).as("PROTOCOL.md's %s in the metadata", row.group(1)).isNotNull();
			String contract = row.group(2);
			if (NO_DEFAULT.contains(contract)) {
				assertThat(property.defaultValue()).as(row.group(1)).isNull();
			}
			else {
				assertThat(property.defaultValue()).as(row.group(1)).isEqualTo(contract);
			}
			checked++;
		}
		assertThat(checked).as("gateway.* rows of PROTOCOL.md section 7").isGreaterThan(15);
	}

	@Test
	void upstreamRoutesPageGivesTheRouteRecordsDefaults() throws Exception {
		// The processor describes no element of a list, so docs/upstream-routes.md lists the
		// route's settings by hand; their defaults must still be the records'.
		String page = ConfigurationReference.read(Path.of("docs", "upstream-routes.md"));
		String section = page.substring(page.indexOf("## Configuration"), page.indexOf("## Observability"));
		Class<?> route = Class.forName("io.wsgateway.upstream.UpstreamProperties$Route");
		int checked = 0;
		for (String line : section.lines().filter((l) -> l.startsWith("| `")).toList()) {
			String group = "";
			Matcher named = NAMED_DEFAULT.matcher(line.substring(0, line.indexOf(" | ", 2)));
			while (named.find()) {
				String name = named.group(1).replaceAll("\\[j]", "");
				if (name.contains(".")) {
					group = name.substring(0, name.lastIndexOf('.') + 1);
				}
				else {
					name = group + name;
				}
				String declared = declaredDefault(route, name);
				if (declared == null) {
					assertThat(named.group(2)).as("%s: no @DefaultValue, so a default in words", name)
						.doesNotMatch("[0-9].*|true|false");
				}
				else {
					assertThat(named.group(2)).as("route setting %s", name)
						.isEqualTo(declared.isEmpty() ? "none" : declared);
				}
				checked++;
			}
		}
		assertThat(checked).as("route settings with a default on the page").isGreaterThan(15);
	}

	/** The {@code @DefaultValue} of a setting of a record (kebab-case path), "" for an empty one, else null. */
	private static String declaredDefault(Class<?> record, String path) throws ReflectiveOperationException {
		String[] parts = path.split("\\.", 2);
		RecordComponent[] components = record.getRecordComponents();
		Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
		Parameter[] parameters = record.getDeclaredConstructor(types).getParameters();
		for (int i = 0; i < components.length; i++) {
			if (components[i].getName().equals(camel(parts[0]))) {
				if (parts.length > 1) {
					Class<?> nested = components[i].getType();
					if (List.class.isAssignableFrom(nested)) {
						nested = (Class<?>) ((ParameterizedType) components[i].getGenericType())
							.getActualTypeArguments()[0];
					}
					return declaredDefault(nested, parts[1]);
				}
				DefaultValue value = parameters[i].getAnnotation(DefaultValue.class);
				return (value == null) ? null : String.join(",", value.value());
			}
		}
		throw new AssertionError("no setting " + path + " in " + record.getSimpleName());
	}

	/** application.yml's default document as flat property names and values (lists joined with commas). */
	private static Map<String, Object> applicationYml() throws IOException {
		List<PropertySource<?>> documents = new YamlPropertySourceLoader().load("application.yml",
				new ClassPathResource("application.yml"));
		EnumerablePropertySource<?> first = (EnumerablePropertySource<?>) documents.get(0);
		Map<String, Object> values = new LinkedHashMap<>();
		for (String name : first.getPropertyNames()) {
			values.merge(name.replaceAll("\\[\\d+]", ""), String.valueOf(first.getProperty(name)),
					(a, b) -> a + "," + b);
		}
		return values;
	}

	/** The properties record a property is bound into, or {@code null} if not a record of the gateway. */
	private static Class<?> recordOf(Property property) throws ClassNotFoundException {
		String source = property.sourceType();
		if (!source.startsWith("io.wsgateway.")) {
			return null;
		}
		Class<?> type = Class.forName(source.contains("$") ? source.substring(0, source.indexOf('$')) : source);
		return type.isRecord() ? type : null;
	}

	private static String topLevelPrefix(Property property, Class<?> record) {
		ConfigurationProperties annotation = record.getAnnotation(ConfigurationProperties.class);
		String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
		assertThat(property.name()).startsWith(prefix + ".");
		return prefix;
	}

	/** The value at a kebab-case path ({@code jwt.clock-skew}) of a bound record. */
	private static Object component(Object record, String path) throws ReflectiveOperationException {
		Object value = record;
		for (String part : path.split("\\.")) {
			String name = camel(part);
			RecordComponent component = null;
			for (RecordComponent candidate : value.getClass().getRecordComponents()) {
				if (candidate.getName().equals(name)) {
					component = candidate;
				}
			}
			assertThat(component).as("%s in %s", name, value.getClass().getName()).isNotNull();
			Method accessor = component.getAccessor();
			accessor.setAccessible(true);
			value = accessor.invoke(value);
		}
		return value;
	}

	/** Whether a bound value is the metadata's default, converted as Spring converts it. */
	private static boolean isDefault(Property property, Object bound) {
		String declared = property.defaultValue();
		if (bound instanceof Collection<?> items) {
			String joined = String.join(",", items.stream().map(String::valueOf).toList());
			return joined.equals((declared != null) ? declared : "");
		}
		if (declared == null || bound == null) {
			return declared == bound;
		}
		return bound.equals(ApplicationConversionService.getSharedInstance().convert(declared, bound.getClass()));
	}

	private static String camel(String kebab) {
		StringBuilder out = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				out.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return out.toString();
	}

}
