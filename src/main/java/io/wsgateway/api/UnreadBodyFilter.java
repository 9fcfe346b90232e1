package io.wsgateway.api;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Says {@code Connection: close} on an error response to an API request whose body was not
 * read to its end. The security filters refuse a request (401, 403) before reading its
 * body, as does the size limit when {@code Content-Length} is over it (413); Spring MVC
 * answers some requests without reading their body (no such path, a method or media type
 * the path does not take) and stops reading a body that is not JSON, or is over the
 * limit, at its first error. The server then closes the connection rather than read the
 * rest, and without the header a client that keeps connections open would send its next
 * request into the closed connection. A body read to its end keeps the connection open.
 * A request with {@code Expect: 100-continue} is answered with close without asking its
 * input stream: Jetty sends {@code 100 Continue} as soon as the input is touched, and a
 * refusal must reach such a client before any invitation to send the body.
 */
final class UnreadBodyFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(request, hasBody(request) ? new ClosingResponse(request, response) : response);
	}

	// Declared by length or chunked.
	private static boolean hasBody(HttpServletRequest request) {
		return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
	}

	/** Decides when the status is set, the last moment before Spring writes the response. */
	private static final class ClosingResponse extends HttpServletResponseWrapper {

		private final HttpServletRequest request;

		ClosingResponse(HttpServletRequest request, HttpServletResponse response) {
			super(response);
			this.request = request;
		}

		@Override
		public void setStatus(int status) {
			closeIfUnread(status);
			super.setStatus(status);
		}

		@Override
		public void sendError(int status) throws IOException {
			closeIfUnread(status);
			super.sendError(status);
		}

		@Override
		public void sendError(int status, String message) throws IOException {
			closeIfUnread(status);
			super.sendError(status, message);
		}

		private void closeIfUnread(int status) {
			if (status < 400 || isCommitted()) {
				return;
			}
			if (this.request.getHeader(HttpHeaders.EXPECT) != null) {
				setHeader(HttpHeaders.CONNECTION, "close");
				return;
			}
			try {
				if (!this.request.getInputStream().isFinished()) {
					setHeader(HttpHeaders.CONNECTION, "close");
				}
			}
			catch (IOException | IllegalStateException ex) {
				// The body was read as characters or cannot be reached: closing is the safe answer.
				setHeader(HttpHeaders.CONNECTION, "close");
			}
		}

	}

}
