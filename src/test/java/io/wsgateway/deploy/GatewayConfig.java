package io.wsgateway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * Spring configuration as the application would see it: YAML documents loaded with Boot's
 * own loader and bound with Boot's {@link Binder} into the application's properties records.
 */
final class GatewayConfig {

	private final List<PropertySource<?>> sources;

	private final Binder binder;

	private GatewayConfig(List<PropertySource<?>> sources) {
		this.sources = sources;
		this.binder = new Binder(ConfigurationPropertySources.from(sources));
	}

	/** The given YAML alone. */
	static GatewayConfig of(String yaml) {
		return new GatewayConfig(load("chart application.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8))));
	}

	/**
	 * The given YAML over the application's own {@code application.yml}, as
	 * {@code spring.config.additional-location} layers it in the pod.
	 */
	static GatewayConfig overApplicationDefaults(String yaml) {
		List<PropertySource<?>> sources = new ArrayList<>(of(yaml).sources);
		sources.addAll(load("application.yml", new ClassPathResource("application.yml")));
		return new GatewayConfig(sources);
	}

	/** This configuration under the given environment variables, as in the pod. */
	GatewayConfig withEnvironment(Map<String, Object> environment) {
		List<PropertySource<?>> sources = new ArrayList<>();
		sources.add(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
		sources.addAll(this.sources);
		return new GatewayConfig(sources);
	}

	private static List<PropertySource<?>> load(String name, Resource resource) {
		try {
			return new YamlPropertySourceLoader().load(name, resource);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	<T> T bind(Class<T> type) {
		return this.binder.bindOrCreate(prefixOf(type), type);
	}

	<T> T bind(String name, Class<T> type) {
		return this.binder.bind(name, Bindable.of(type)).orElse(null);
	}

	String get(String name) {
		return this.binder.bind(name, String.class).orElse(null);
	}

	/** Every property name given, with list indexes removed (a[0] -> a). */
	Set<String> names() {
		Set<String> names = new TreeSet<>();
		for (PropertySource<?> source : this.sources) {
			for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
				names.add(name.replaceAll("\\[\\d+]", ""));
			}
		}
		return names;
	}

	static String prefixOf(Class<?> type) {
		ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
		return annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
	}

	/** The {@code @ConfigurationProperties} records of the application under {@code gateway}. */
	static List<Class<?>> gatewayRecords() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
		List<Class<?>> records = new ArrayList<>();
		scanner.findCandidateComponents("io.wsgateway").forEach((candidate) -> {
			try {
				Class<?> type = Class.forName(candidate.getBeanClassName());
				String prefix = prefixOf(type);
				if (type.isRecord() && (prefix.equals("gateway") || prefix.startsWith("gateway."))) {
					records.add(type);
				}
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException(ex);
			}
		});
		return records;
	}

	/**
	 * The properties a record binds, by name, with their types: one per component in kebab
	 * case, recursing into nested records and into lists of records (named without their
	 * indexes, like {@link #names()}).
	 */
	static Map<String, Class<?>> properties(String prefix, Class<?> record) {
		Map<String, Class<?>> properties = new TreeMap<>();
		for (RecordComponent component : record.getRecordComponents()) {
			String name = prefix + "." + kebab(component.getName());
			Class<?> element = recordElementType(component);
			if (component.getType().isRecord()) {
				properties.putAll(properties(name, component.getType()));
			}
			else if (element != null) {
				properties.putAll(properties(name, element));
			}
			else {
				properties.put(name, component.getType());
			}
		}
		return properties;
	}

	/** The element type of a {@code List<SomeRecord>} component, else {@code null}. */
	private static Class<?> recordElementType(RecordComponent component) {
		if (List.class.isAssignableFrom(component.getType())
				&& component.getGenericType() instanceof ParameterizedType list
				&& list.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
			return element;
		}
		return null;
	}

	/** Whether a property name (list indexes removed) is one of the given properties. */
	static boolean isKnown(String name, Map<String, Class<?>> properties) {
		if (properties.containsKey(name)) {
			return true;
		}
		// a map or a list of objects takes sub-keys
		return properties.entrySet()
			.stream()
			.anyMatch((e) -> name.startsWith(e.getKey() + ".") && (Map.class.isAssignableFrom(e.getValue())
					|| Collection.class.isAssignableFrom(e.getValue())));
	}

	static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
	}

}
