package io.wsgateway.protocol;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.groups.Default;
import jakarta.validation.metadata.BeanDescriptor;
import jakarta.validation.metadata.ConstraintDescriptor;
import jakarta.validation.metadata.PropertyDescriptor;

/**
 * Bean Validation of one request record, decided once for its type: a record without
 * constraints is not validated, and one whose only constraints are {@link NotNull} on its
 * components is checked by reading them, the validator then running only to word the
 * violations. Bean Validation's path nodes and value contexts were 15 % of the bytes
 * allocated per echo, for a check that is a null test.
 *
 * @param <T> the record type
 */
final class RecordValidation<T> {

	private final Validator validator;

	// null: the validator runs on every message
	private final Method[] notNull;

	RecordValidation(Validator validator, Class<T> type) {
		this.validator = validator;
		this.notNull = notNullOnly(validator.getConstraintsForClass(type), type);
	}

	/** Returns the violations; empty when the record is valid. */
	Set<ConstraintViolation<T>> validate(T record) {
		if (this.notNull == null) {
			return this.validator.validate(record);
		}
		for (Method accessor : this.notNull) {
			if (value(accessor, record) == null) {
				return this.validator.validate(record);
			}
		}
		return Set.of();
	}

	private static Object value(Method accessor, Object record) {
		try {
			return accessor.invoke(record);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot read " + accessor, ex);
		}
	}

	// The accessors to check for null when they are all the type's constraints, else null.
	private static Method[] notNullOnly(BeanDescriptor bean, Class<?> type) {
		if (!bean.isBeanConstrained()) {
			return new Method[0];
		}
		// Validator.validate checks the class's constraints and its properties' (fields and getters);
		// constraints on other methods and on constructors are for executable validation only.
		if (!type.isRecord() || !bean.getConstraintDescriptors().isEmpty()) {
			return null;
		}
		List<Method> accessors = new ArrayList<>();
		for (PropertyDescriptor property : bean.getConstrainedProperties()) {
			if (property.isCascaded() || !property.getConstrainedContainerElementTypes().isEmpty()) {
				return null;
			}
			for (ConstraintDescriptor<?> constraint : property.getConstraintDescriptors()) {
				if (constraint.getAnnotation().annotationType() != NotNull.class
						|| !constraint.getGroups().equals(Set.of(Default.class))) {
					return null;
				}
			}
			try {
				Method accessor = type.getDeclaredMethod(property.getPropertyName());
				accessor.setAccessible(true);
				accessors.add(accessor);
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				return null;
			}
		}
		return accessors.toArray(new Method[0]);
	}

}
