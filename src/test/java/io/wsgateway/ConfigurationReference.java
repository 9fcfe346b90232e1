package io.wsgateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The property reference of {@code docs/configuration.md}, generated from the configuration
 * metadata that {@code spring-boot-configuration-processor} writes at compile time from the
 * {@code @ConfigurationProperties} records: names, types, the {@code @DefaultValue}s and the
 * {@code @param} javadoc. It stands between two markers of the page; the rest of the page is
 * written by hand.
 */
final class ConfigurationReference {

	static final Path PAGE = Path.of("docs", "configuration.md");

	static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");

	static final String BEGIN = "<!-- BEGIN generated from the configuration metadata by ConfigurationReferenceTests: "
			+ "edit the records' javadoc, then regenerate (docs/configuration.md, Regenerating) -->";

	static final String END = "<!-- END generated -->";

	private static final Pattern CODE = Pattern.compile("\\{@code ([^}]*)}");

	private static final Pattern LINK = Pattern.compile("\\{@link(?:plain)? ([^}]*)}");

	private static final Pattern VALUE = Pattern.compile("\\{@value ([A-Za-z0-9_.]+)#([A-Za-z0-9_]+)}");

	private ConfigurationReference() {
	}

	/** One property as the metadata describes it. */
	record Property(String group, String name, String type, String sourceType, String defaultValue,
			String description) {
	}

	/** Every property of the metadata, by group, then by name. */
	static List<Property> properties() {
		JsonNode metadata = JsonMapper.builder().build().readTree(read(METADATA));
		List<String> groups = new ArrayList<>();
		metadata.get("groups").forEach((group) -> groups.add(group.get("name").asString()));
		List<Property> properties = new ArrayList<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			String group = groups.stream()
				.filter((candidate) -> name.startsWith(candidate + "."))
				.max(Comparator.comparingInt(String::length))
				.orElseThrow(() -> new IllegalStateException(name + " is in no group of the metadata"));
			properties.add(new Property(group, name, property.get("type").asString(),
					property.get("sourceType").asString(), defaultValue(property.get("defaultValue")),
					property.has("description") ? property.get("description").asString() : null));
		}
		properties.sort(Comparator.comparing(Property::group).thenComparing(Property::name));
		return properties;
	}

	/** The page as the metadata makes it now: the hand-written parts kept, the reference replaced. */
	static String page() {
		String page = read(PAGE);
		int begin = page.indexOf(BEGIN);
		int end = page.indexOf(END);
		if (begin < 0 || end < begin) {
			throw new IllegalStateException(PAGE + " has no " + BEGIN + " ... " + END + " section");
		}
		return page.substring(0, begin) + generate() + page.substring(end);
	}

	/** The generated section: one table per properties group, markers included. */
	static String generate() {
		Map<String, List<Property>> byGroup = new LinkedHashMap<>();
		for (Property property : properties()) {
			byGroup.computeIfAbsent(property.group(), (key) -> new ArrayList<>()).add(property);
		}
		StringBuilder out = new StringBuilder(BEGIN).append("\n");
		byGroup.forEach((group, properties) -> {
			out.append("\n### `").append(group).append("`\n\n");
			out.append("| property | type | default | meaning |\n|---|---|---|---|\n");
			for (Property property : properties) {
				if (property.description() == null) {
					throw new IllegalStateException(property.name() + " has no description: give its record component"
							+ " an @param in the record's javadoc");
				}
				out.append("| `").append(property.name()).append("` | ").append(type(property)).append(" | ")
					.append(defaultCell(property)).append(" | ").append(cell(markdown(property))).append(" |\n");
			}
		});
		return out.append("\n").toString();
	}

	private static String defaultValue(JsonNode value) {
		if (value == null || value.isNull()) {
			return null;
		}
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asString()));
			return String.join(",", items);
		}
		return value.asString();
	}

	private static String defaultCell(Property property) {
		if (property.defaultValue() == null) {
			return property.type().startsWith("java.util.List") ? "empty" : "none";
		}
		if (property.defaultValue().isEmpty()) {
			return "empty";
		}
		return "`" + property.defaultValue() + "`";
	}

	private static String type(Property property) {
		String type = property.type();
		return switch (type) {
			case "java.time.Duration" -> "duration";
			case "org.springframework.util.unit.DataSize" -> "size";
			case "java.lang.Integer", "java.lang.Long" -> "integer";
			case "java.lang.Double", "java.lang.Float" -> "number";
			case "java.lang.Boolean" -> "boolean";
			case "java.lang.String" -> "text";
			case "java.net.URI" -> "URI";
			case "java.util.List<java.lang.String>" -> "list of text";
			default -> {
				if (type.startsWith("java.util.List<") || type.startsWith("java.util.Set<")) {
					yield "list";
				}
				yield type.startsWith("java.util.Map<") ? "map" : enumValues(type);
			}
		};
	}

	/** An enum's constants as Spring binds them ({@code round-robin} for {@code ROUND_ROBIN}), else the type's name. */
	private static String enumValues(String type) {
		Class<?> enumType;
		try {
			enumType = Class.forName(type);
		}
		catch (ClassNotFoundException ex) {
			enumType = null;
		}
		if (enumType == null || !enumType.isEnum()) {
			return "`" + type.substring(type.lastIndexOf('.') + 1) + "`";
		}
		return Stream.of(enumType.getEnumConstants())
			.map((constant) -> "`" + ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-') + "`")
			.collect(Collectors.joining(" or "));
	}

	/** The javadoc of a record component as Markdown: code in backticks, constants resolved. */
	static String markdown(Property property) {
		String text = property.description().replaceAll("\\s+", " ").strip();
		Matcher value = VALUE.matcher(text);
		StringBuilder resolved = new StringBuilder();
		while (value.find()) {
			String constant = constant(property, value.group(1), value.group(2));
			value.appendReplacement(resolved, Matcher.quoteReplacement(constant));
		}
		value.appendTail(resolved);
		text = CODE.matcher(resolved.toString())
			.replaceAll((code) -> Matcher.quoteReplacement("`" + code.group(1) + "`"));
		return LINK.matcher(text).replaceAll((link) -> Matcher.quoteReplacement(link.group(1)));
	}

	/** A {@code {@value Type#FIELD}} of the javadoc: a type of the record's own package, or fully qualified. */
	private static String constant(Property property, String type, String field) {
		String source = property.sourceType().replace('$', '.');
		String qualified = type.contains(".") ? type : source.substring(0, source.lastIndexOf('.')) + "." + type;
		try {
			Field constant = load(qualified, property.name()).getDeclaredField(field);
			constant.setAccessible(true);
			return String.valueOf(constant.get(null));
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("{@value " + type + "#" + field + "} of " + property.name(), ex);
		}
	}

	private static Class<?> load(String name, String of) {
		try {
			return Class.forName(name);
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException("no class " + name + " for " + of, ex);
		}
	}

	private static String cell(String text) {
		return text.replace("|", "\\|");
	}

	static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
