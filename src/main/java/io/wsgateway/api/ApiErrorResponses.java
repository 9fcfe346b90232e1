package io.wsgateway.api;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Problem details for API requests refused before Spring MVC sees them: paths that Spring
 * Security's firewall rejects ({@code ;jsessionid=x}, {@code ..} segments, encoded
 * slashes) and those that Jetty refuses while parsing the request (ambiguous or illegal
 * path characters), whose default bodies are Spring Boot's error JSON and Jetty's HTML
 * page. Paths outside {@code /api/} keep the defaults, except for a request Jetty cannot
 * parse at all (a {@code %00} or {@code %ZZ} in its path): it has no path to go by and
 * gets a problem detail whatever it asked for.
 */
@Configuration(proxyBeanMethods = false)
class ApiErrorResponses {

	private static final String API_PREFIX = "/api/";

	/** The path Jetty gives the error request of a request it could not parse. */
	private static final String BAD_MESSAGE_PATH = "/badMessage";

	@Bean
	RequestRejectedHandler apiRequestRejectedHandler(JsonMapper mapper) {
		return (request, response, rejected) -> {
			if (!request.getRequestURI().startsWith(API_PREFIX)) {
				response.sendError(HttpStatus.BAD_REQUEST_400);
				return;
			}
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(org.springframework.http.HttpStatus.BAD_REQUEST,
					"the request path is not allowed");
			problem.setType(Problems.ABOUT_BLANK);
			String instance = instance(request.getRequestURI());
			if (instance != null) {
				problem.setInstance(URI.create(instance));
			}
			Problems.write(response, problem, mapper);
		};
	}

	@Bean
	WebServerFactoryCustomizer<JettyServletWebServerFactory> apiErrorHandler(JsonMapper mapper) {
		return (factory) -> factory.addServerCustomizers((server) -> server.setErrorHandler(new ProblemErrorHandler(mapper)));
	}

	// A path the firewall or Jetty refused may not be a valid URI reference; such a problem has no instance.
	private static String instance(String path) {
		try {
			return URI.create(path).toString();
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** Jetty's error handler, writing problem details for {@code /api/} paths and unparsable requests. */
	static final class ProblemErrorHandler extends ErrorHandler {

		private final JsonMapper mapper;

		ProblemErrorHandler(JsonMapper mapper) {
			this.mapper = mapper;
		}

		@Override
		protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
				Callback callback) throws IOException {
			String path = request.getHttpURI().getPath();
			boolean unparsable = BAD_MESSAGE_PATH.equals(path);
			if (path == null || !(unparsable || path.startsWith(API_PREFIX))) {
				super.generateResponse(request, response, code, message, cause, callback);
				return;
			}
			response.setStatus(code);
			response.getHeaders().put(HttpHeader.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.write(true, problem(code, unparsable ? null : instance(path)), callback);
		}

		private ByteBuffer problem(int status, String instance) {
			Map<String, Object> problem = new LinkedHashMap<>();
			problem.put("type", Problems.ABOUT_BLANK.toString());
			problem.put("title", HttpStatus.getMessage(status));
			problem.put("status", status);
			problem.put("detail", (status == HttpStatus.BAD_REQUEST_400) ? "the request is malformed or its path is not allowed"
					: HttpStatus.getMessage(status));
			if (instance != null) {
				problem.put("instance", instance);
			}
			return ByteBuffer.wrap(this.mapper.writeValueAsBytes(problem));
		}

	}

}
