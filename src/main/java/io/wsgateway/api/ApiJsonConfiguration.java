package io.wsgateway.api;

import io.wsgateway.protocol.MessageCodec;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application's JSON mapper, which reads the server API's bodies, parses as
 * {@link MessageCodec} does: no shared table of property names that one body could
 * corrupt, and strict types, so a number is not a string ({@code "title": 5} is a 400, not
 * the title {@code "5"}) and {@code "true"} is not a boolean.
 */
@Configuration(proxyBeanMethods = false)
class ApiJsonConfiguration {

	@Bean
	JsonFactoryBuilderCustomizer unsharedPropertyNames() {
		return (factory) -> factory.disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES);
	}

	@Bean
	JsonMapperBuilderCustomizer strictTypes() {
		return (mapper) -> mapper.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.withCoercionConfig(LogicalType.Textual, (config) -> {
				config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
				config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
				config.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
			});
	}

}
