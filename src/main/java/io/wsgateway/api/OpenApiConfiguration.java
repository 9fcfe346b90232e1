package io.wsgateway.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import tools.jackson.databind.JsonNode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document of the server API, served by springdoc at {@code /v3/api-docs}
 * (JSON) and {@code /v3/api-docs.yaml}: title, the two credentials, and the problem
 * responses every operation can give, which the controller does not repeat.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String BEARER = "serviceToken";

	static final String API_KEY = "apiKey";

	private static final String PROBLEM = "Problem";

	/** The schema of every problem response. */
	static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;

	/** How the request records describe their free-form JSON fields; such fields are documented without a type. */
	static final String ANY_JSON = "any JSON";

	static {
		// Jackson 3's JsonNode would otherwise be introspected, by swagger-core's Jackson 2,
		// as a bean with a property per is-method.
		SpringDocUtils.getConfig().replaceWithSchema(JsonNode.class, new JsonSchema());
	}

	@Bean
	OpenAPI gatewayOpenApi() {
		return new OpenAPI()
			.info(new Info().title("websocket-gateway server API")
				.version("v1")
				.description("Reach users and manage connections on every gateway node. Errors are RFC 9457 "
						+ "problem details (application/problem+json)."))
			.components(new Components()
				.addSecuritySchemes(BEARER,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.bearerFormat("JWT")
							.description("a gateway JWT with role 'service', verified like client tokens"))
				.addSecuritySchemes(API_KEY,
						new SecurityScheme().type(SecurityScheme.Type.APIKEY)
							.in(SecurityScheme.In.HEADER)
							.name(ServiceAuthenticationFilter.API_KEY_HEADER)
							.description("one of gateway.api.keys")))
			// either credential will do
			.addSecurityItem(new SecurityRequirement().addList(BEARER))
			.addSecurityItem(new SecurityRequirement().addList(API_KEY));
	}

	// A customizer rather than the OpenAPI bean: springdoc rebuilds the schemas from the
	// controllers and would drop one added there.
	@Bean
	OpenApiCustomizer problemResponses() {
		return (openApi) -> {
			openApi.getComponents().addSchemas(PROBLEM, problemSchema());
			untypeFreeFormJson(openApi);
			openApi.getPaths()
				.values()
				.forEach((path) -> path.readOperationsMap().forEach(OpenApiConfiguration::addProblemResponses));
		};
	}

	private static void addProblemResponses(PathItem.HttpMethod method, Operation operation) {
		add(operation, "401", "no valid credential");
		add(operation, "403", "a token without the role 'service'");
		add(operation, "400", "invalid path or query parameter, or body; see 'errors'");
		if (operation.getRequestBody() != null) {
			add(operation, "413", "body larger than gateway.api.max-body-size");
			add(operation, "415", "body is not application/json");
		}
		if (method != PathItem.HttpMethod.GET) {
			add(operation, "503", "the message broker is unavailable; see Retry-After");
		}
	}

	// Free-form JSON fields take any value, but swagger-core types them as objects.
	@SuppressWarnings("rawtypes")
	private static void untypeFreeFormJson(OpenAPI openApi) {
		for (Schema<?> schema : openApi.getComponents().getSchemas().values()) {
			Map<String, Schema> properties = schema.getProperties();
			if (properties == null) {
				continue;
			}
			for (Schema<?> property : properties.values()) {
				if (isAnyJson(property)) {
					property.setType(null);
					property.setTypes(null);
				}
			}
		}
	}

	private static boolean isAnyJson(Schema<?> property) {
		return property.getDescription() != null && property.getDescription().startsWith(ANY_JSON);
	}

	/** Adds a problem response unless the operation declares its own for this status. */
	private static void add(Operation operation, String status, String description) {
		ApiResponses responses = operation.getResponses();
		if (responses.get(status) == null) {
			responses.addApiResponse(status, new ApiResponse().description(description)
				.content(new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
						new MediaType().schema(new Schema<>().$ref(PROBLEM_REF)))));
		}
	}

	@SuppressWarnings("rawtypes")
	private static Schema<?> problemSchema() {
		Map<String, Schema> properties = new LinkedHashMap<>();
		properties.put("type", typed("string").description("always about:blank: the status says it all"));
		properties.put("title", typed("string").description("the status's reason phrase"));
		properties.put("status", typed("integer"));
		properties.put("detail", typed("string").description("what went wrong, for people"));
		properties.put("instance", typed("string").description("the request path"));
		properties.put("errors", typed("array").items(typed("object"))
			.description("on 400: one {pointer, detail} per invalid body field (pointer such as #/title) and one "
					+ "{parameter, detail} per invalid path or query parameter"));
		Schema<Object> problem = typed("object");
		problem.setDescription("RFC 9457 problem details");
		problem.setProperties(properties);
		return problem;
	}

	// Both spellings: "type" for OpenAPI 3.0 output, "types" for 3.1.
	private static Schema<Object> typed(String type) {
		Schema<Object> schema = new Schema<>();
		schema.setType(type);
		schema.setTypes(Set.of(type));
		return schema;
	}

}
