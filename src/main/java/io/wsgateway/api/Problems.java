package io.wsgateway.api;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 problem details of the server API. Errors found by Spring MVC are rendered by
 * {@link ApiExceptionHandler}; those found before a request reaches it (authentication,
 * authorization, body size) are written here, in the same form.
 */
final class Problems {

	private Problems() {
	}

	/** {@code type} of every API problem: no more than its status says (RFC 9457, section 4.2.1). */
	static final URI ABOUT_BLANK = URI.create("about:blank");

	/** Returns a problem of this status with {@code instance} set to the request path. */
	static ProblemDetail of(HttpStatus status, String detail, HttpServletRequest request) {
		return complete(ProblemDetail.forStatusAndDetail(status, detail), request.getRequestURI());
	}

	/**
	 * Sets the members Spring leaves out: {@code type} (spelled out although absence means
	 * the same, for clients that look for it) and {@code instance}, the request path.
	 */
	static ProblemDetail complete(ProblemDetail problem, String path) {
		if (problem.getType() == null) {
			problem.setType(ABOUT_BLANK);
		}
		if (problem.getInstance() == null) {
			problem.setInstance(URI.create(path));
		}
		return problem;
	}

	/**
	 * Writes a problem as the whole response, {@code application/problem+json}.
	 * {@link UnreadBodyFilter} adds {@code Connection: close} when the request's body was
	 * left unread.
	 */
	static void write(HttpServletResponse response, ProblemDetail problem, JsonMapper mapper) throws IOException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.getType().toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		body.put("detail", problem.getDetail());
		if (problem.getInstance() != null) {
			body.put("instance", problem.getInstance().toString());
		}
		if (problem.getProperties() != null) {
			body.putAll(problem.getProperties());
		}
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		mapper.writeValue(response.getOutputStream(), body);
	}

}
