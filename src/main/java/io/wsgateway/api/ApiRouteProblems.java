package io.wsgateway.api;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Unknown paths (404), wrong methods (405, with {@code Allow}), unsupported bodies (415,
 * with {@code Accept}) and unacceptable {@code Accept} headers (406) under {@code /api/}
 * as problem details too. These errors arise while Spring MVC is still choosing a
 * handler, so {@link ApiExceptionHandler} never sees them; for every other path the
 * exception is rethrown, which hands it back to Spring's default handling unchanged.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ApiRouteProblems {

	private static final String API_PREFIX = "/api/";

	@ExceptionHandler({ NoResourceFoundException.class, HttpRequestMethodNotSupportedException.class,
			HttpMediaTypeNotSupportedException.class, HttpMediaTypeNotAcceptableException.class })
	ResponseEntity<ProblemDetail> routingFailed(Exception ex, HttpServletRequest request) throws Exception {
		if (!request.getRequestURI().startsWith(API_PREFIX) || !(ex instanceof ErrorResponse error)) {
			throw ex;
		}
		ProblemDetail problem = Problems.complete(error.getBody(), request.getRequestURI());
		if (ex instanceof NoResourceFoundException) {
			// Spring's detail names the static resource it looked for; the API has none.
			problem.setDetail("no such API endpoint");
		}
		return ResponseEntity.status(error.getStatusCode()).headers(error.getHeaders()).body(problem);
	}

}
