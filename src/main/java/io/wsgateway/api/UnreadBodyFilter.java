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
 * read to its end. Spring MVC answers some requests without reading their body (no such
 * path, a method or media type the path does not take) and stops reading a body that is
 * not JSON at its first error. The server then closes the connection rather than read the
 * rest, and without the header a client that keeps connections open would send its next
 * request into the closed connection. A body read to its end keeps the connection open.
 */
final class UnreadBodyFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(request, Problems.hasBody(request) ? new ClosingResponse(request, response) : response);
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
