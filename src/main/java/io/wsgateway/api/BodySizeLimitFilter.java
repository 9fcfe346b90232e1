package io.wsgateway.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses API request bodies larger than {@code gateway.api.max-body-size} with 413: at
 * once when {@code Content-Length} says so, and otherwise (chunked bodies) as soon as
 * reading passes the limit, which {@link ApiExceptionHandler} turns into the same 413.
 * Nothing beyond the limit is ever buffered.
 */
final class BodySizeLimitFilter extends OncePerRequestFilter {

	private final long maxBytes;

	private final JsonMapper mapper;

	BodySizeLimitFilter(long maxBytes, JsonMapper mapper) {
		this.maxBytes = maxBytes;
		this.mapper = mapper;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > this.maxBytes) {
			Problems.write(response, Problems.of(HttpStatus.CONTENT_TOO_LARGE, message(this.maxBytes), request),
					this.mapper);
			return;
		}
		chain.doFilter(new LimitedRequest(request, this.maxBytes), response);
	}

	static String message(long maxBytes) {
		return "the request body is larger than " + maxBytes + " bytes";
	}

	/** Thrown while reading a body that turned out larger than the limit. */
	static final class BodyTooLargeException extends IOException {

		private static final long serialVersionUID = 1L;

		private final long maxBytes;

		BodyTooLargeException(long maxBytes) {
			super(message(maxBytes));
			this.maxBytes = maxBytes;
		}

		long maxBytes() {
			return this.maxBytes;
		}

	}

	private static final class LimitedRequest extends HttpServletRequestWrapper {

		private final long maxBytes;

		private ServletInputStream stream;

		LimitedRequest(HttpServletRequest request, long maxBytes) {
			super(request);
			this.maxBytes = maxBytes;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (this.stream == null) {
				this.stream = new LimitedInputStream(super.getInputStream(), this.maxBytes);
			}
			return this.stream;
		}

		@Override
		public BufferedReader getReader() throws IOException {
			String encoding = getCharacterEncoding();
			Charset charset = (encoding != null) ? Charset.forName(encoding) : StandardCharsets.UTF_8;
			return new BufferedReader(new InputStreamReader(getInputStream(), charset));
		}

	}

	private static final class LimitedInputStream extends ServletInputStream {

		private final ServletInputStream delegate;

		private final long maxBytes;

		private long read;

		LimitedInputStream(ServletInputStream delegate, long maxBytes) {
			this.delegate = delegate;
			this.maxBytes = maxBytes;
		}

		@Override
		public int read() throws IOException {
			int b = this.delegate.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = this.delegate.read(buffer, offset, length);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) throws IOException {
			this.read += n;
			if (this.read > this.maxBytes) {
				throw new BodyTooLargeException(this.maxBytes);
			}
		}

		@Override
		public boolean isFinished() {
			return this.delegate.isFinished();
		}

		@Override
		public boolean isReady() {
			return this.delegate.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			this.delegate.setReadListener(listener);
		}

	}

}
