package io.wsgateway.protocol;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;

import tools.jackson.databind.JsonNode;

/**
 * Binds messages read by {@link MessageCodec#read} to one request record. A record whose
 * components are all strings, booleans or JSON values, with no Jackson annotation, is built
 * straight from the message's fields through its canonical constructor: a quarter of
 * the inbound path's Java time was Jackson building a tree and binding it, half of the
 * binding its record instantiation through {@code MethodHandle.invokeWithArguments}. Every other
 * record, and every value such a record would not take as it came (a number for a string,
 * {@code "true"} for a boolean), goes through the codec's mapper as before, so the errors
 * and coercion rules are Jackson's in every case.
 *
 * @param <T> the record type
 */
final class RequestReader<T> {

	private static final byte STRING = 0;

	private static final byte BOOLEAN = 1;

	private static final byte NODE = 2;

	private final MessageCodec codec;

	private final Class<T> type;

	// null where the record is bound by the mapper
	private final Constructor<T> constructor;

	private final String[] names;

	private final byte[] types;

	RequestReader(MessageCodec codec, Class<T> type) {
		this.codec = codec;
		this.type = type;
		RecordComponent[] components = type.isRecord() ? type.getRecordComponents() : null;
		Constructor<T> canonical = null;
		String[] names = new String[0];
		byte[] types = new byte[0];
		if (components != null && !hasJacksonAnnotations(type, components)) {
			names = new String[components.length];
			types = new byte[components.length];
			Class<?>[] parameters = new Class<?>[components.length];
			for (int i = 0; i < components.length && types != null; i++) {
				names[i] = components[i].getName();
				parameters[i] = components[i].getType();
				types[i] = typeOf(parameters[i]);
				if (types[i] < 0) {
					types = null;
				}
			}
			if (types != null) {
				canonical = canonical(type, parameters);
			}
		}
		this.constructor = canonical;
		this.names = names;
		this.types = types;
	}

	/**
	 * Returns the message as the record.
	 * @throws tools.jackson.core.JacksonException where a field does not fit, as the mapper reports it
	 */
	T read(InboundMessage message) {
		if (this.constructor != null) {
			Object[] arguments = arguments(message);
			if (arguments != null) {
				try {
					return this.constructor.newInstance(arguments);
				}
				catch (ReflectiveOperationException | IllegalArgumentException ex) {
					// the record refused its values: the mapper reports it as it always has
				}
			}
		}
		return this.codec.bind(this.codec.tree(message), this.type);
	}

	// null when a value needs the mapper's rules
	private Object[] arguments(InboundMessage message) {
		Object[] arguments = new Object[this.names.length];
		for (int i = 0; i < arguments.length; i++) {
			int field = message.find(this.names[i]);
			if (field < 0) {
				continue;
			}
			byte kind = message.kind(field);
			switch (this.types[i]) {
				case STRING -> {
					if (kind == InboundMessage.STRING) {
						arguments[i] = message.value(field);
					}
					else if (kind != InboundMessage.NULL) {
						return null;
					}
				}
				case BOOLEAN -> {
					if (kind == InboundMessage.TRUE || kind == InboundMessage.FALSE) {
						arguments[i] = kind == InboundMessage.TRUE;
					}
					else if (kind != InboundMessage.NULL) {
						return null;
					}
				}
				default -> arguments[i] = this.codec.node(message, field);
			}
		}
		return arguments;
	}

	private static byte typeOf(Class<?> type) {
		if (type == String.class) {
			return STRING;
		}
		if (type == Boolean.class) {
			return BOOLEAN;
		}
		return (type == JsonNode.class) ? NODE : -1;
	}

	private static <T> Constructor<T> canonical(Class<T> type, Class<?>[] parameters) {
		try {
			Constructor<T> constructor = type.getDeclaredConstructor(parameters);
			constructor.setAccessible(true);
			return constructor;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

	private static boolean hasJacksonAnnotations(Class<?> type, RecordComponent[] components) {
		if (isJackson(type.getAnnotations())) {
			return true;
		}
		for (RecordComponent component : components) {
			if (isJackson(component.getAnnotations()) || isJackson(component.getAccessor().getAnnotations())) {
				return true;
			}
		}
		for (Field field : type.getDeclaredFields()) {
			if (isJackson(field.getAnnotations())) {
				return true;
			}
		}
		for (Constructor<?> constructor : type.getDeclaredConstructors()) {
			if (isJackson(constructor.getAnnotations())) {
				return true;
			}
			for (Parameter parameter : constructor.getParameters()) {
				if (isJackson(parameter.getAnnotations())) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean isJackson(Annotation[] annotations) {
		for (Annotation annotation : annotations) {
			String name = annotation.annotationType().getName();
			if (name.startsWith("com.fasterxml.jackson.") || name.startsWith("tools.jackson.")) {
				return true;
			}
		}
		return false;
	}

}
