package io.wsgateway.dev;

import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders the errors Spring MVC finds in a {@code /dev} request (a body that is not JSON,
 * a field of the wrong type) as problem details, the form of the server API's errors.
 */
@RestControllerAdvice(assignableTypes = DevTokenController.class)
@Profile("dev")
class DevExceptionHandler extends ResponseEntityExceptionHandler {

}
