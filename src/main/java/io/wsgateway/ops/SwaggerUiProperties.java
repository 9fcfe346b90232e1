package io.wsgateway.ops;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may open springdoc's Swagger UI of the server API ({@code gateway.swagger-ui.*}).
 *
 * @param open serve {@code /swagger-ui.html} and {@code /swagger-ui/**} without a
 * credential; off, they need the Actuator credential (HTTP Basic with
 * {@code spring.security.user.*}, or a JWT with role {@code admin}). The {@code dev} profile
 * turns it on. The OpenAPI document at {@code /v3/api-docs} is public either way.
 */
@ConfigurationProperties("gateway.swagger-ui")
record SwaggerUiProperties(@DefaultValue("false") boolean open) {

}
