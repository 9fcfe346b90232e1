package io.wsgateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wsgateway.protocol.ErrorCode;
import io.wsgateway.protocol.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders every error of the server API's controllers as an RFC 9457 problem detail
 * ({@code application/problem+json}) with {@code instance} set to the request path.
 * Validation failures list each one in {@code errors}: {@code {"pointer": "#/title",
 * "detail": …}} for a body field, {@code {"parameter": "code", "detail": …}} for a path
 * or query parameter.
 */
@RestControllerAdvice(assignableTypes = GatewayApiController.class)
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ApiExceptionHandler.class);

	/** Seconds a caller should wait after a 503 before trying again. */
	static final String RETRY_AFTER_SECONDS = "5";

	/** Thrown for checks that Bean Validation does not express; rendered like its failures. */
	static final class InvalidRequestException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final transient Map<String, String> error;

		InvalidRequestException(String kind, String name, String detail) {
			super(detail, null, false, false);
			this.error = Map.of(kind, name, "detail", detail);
		}

	}

	@ExceptionHandler(InvalidRequestException.class)
	ResponseEntity<Object> handleInvalidRequest(InvalidRequestException ex, WebRequest request) {
		return invalid(List.of(ex.error), request);
	}

	@ExceptionHandler(GatewayException.class)
	ResponseEntity<Object> handleGatewayException(GatewayException ex, WebRequest request) {
		if (ex.code() == ErrorCode.SERVICE_UNAVAILABLE) {
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
			return handleExceptionInternal(ex, problem(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage(), request), headers,
					HttpStatus.SERVICE_UNAVAILABLE, request);
		}
		logger.error("Server API request failed with {}", ex.code(), ex);
		return handleExceptionInternal(ex, problem(HttpStatus.INTERNAL_SERVER_ERROR, "unexpected error", request),
				new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
	}

	@ExceptionHandler(RuntimeException.class)
	ResponseEntity<Object> handleUnexpected(RuntimeException ex, WebRequest request) {
		logger.error("Server API request failed", ex);
		return handleExceptionInternal(ex, problem(HttpStatus.INTERNAL_SERVER_ERROR, "unexpected error", request),
				new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, String>> errors = new ArrayList<>();
		for (FieldError error : ex.getBindingResult().getFieldErrors()) {
			errors.add(Map.of("pointer", "#/" + error.getField(), "detail", message(error)));
		}
		ex.getBindingResult().getGlobalErrors().forEach((error) -> errors.add(Map.of("pointer", "#", "detail", message(error))));
		return invalid(errors, request);
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, String>> errors = new ArrayList<>();
		for (ParameterValidationResult result : ex.getParameterValidationResults()) {
			if (result instanceof ParameterErrors body) {
				for (FieldError error : body.getFieldErrors()) {
					errors.add(Map.of("pointer", "#/" + error.getField(), "detail", message(error)));
				}
				body.getGlobalErrors().forEach((error) -> errors.add(Map.of("pointer", "#", "detail", message(error))));
			}
			else {
				String name = result.getMethodParameter().getParameterName();
				for (MessageSourceResolvable error : result.getResolvableErrors()) {
					errors.add(Map.of("parameter", (name != null) ? name : "?", "detail", message(error)));
				}
			}
		}
		return invalid(errors, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof BodySizeLimitFilter.BodyTooLargeException tooLarge) {
				return handleExceptionInternal(ex, problem(HttpStatus.CONTENT_TOO_LARGE,
						BodySizeLimitFilter.message(tooLarge.maxBytes()), request), headers,
						HttpStatus.CONTENT_TOO_LARGE, request);
			}
		}
		return handleExceptionInternal(ex, problem(HttpStatus.BAD_REQUEST,
				"the request body is missing, is not JSON, or has a field of the wrong type", request), headers,
				HttpStatus.BAD_REQUEST, request);
	}

	// Every problem this advice renders has the members of those the security filters write.
	@Override
	protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
			WebRequest request) {
		if (body instanceof ProblemDetail problem && request instanceof ServletWebRequest servlet) {
			Problems.complete(problem, servlet.getRequest().getRequestURI());
		}
		return super.createResponseEntity(body, headers, statusCode, request);
	}

	private ResponseEntity<Object> invalid(List<Map<String, String>> errors, WebRequest request) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "the request is invalid; see errors", request);
		problem.setProperty("errors", errors);
		return createResponseEntity(problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
	}

	private static ProblemDetail problem(HttpStatus status, String detail, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		if (request instanceof ServletWebRequest servlet) {
			Problems.complete(problem, servlet.getRequest().getRequestURI());
		}
		return problem;
	}

	private static String message(MessageSourceResolvable error) {
		return (error.getDefaultMessage() != null) ? error.getDefaultMessage() : "is invalid";
	}

}
