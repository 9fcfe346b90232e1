package io.wsgateway.handshake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.web.util.UriUtils;

/**
 * A handshake's query, decoded once: the one place where the {@code access_token}
 * parameter is recognised, whatever its spelling ({@code access%5Ftoken},
 * {@code %61ccess_token} ...). Authentication reads the token from here and the upstream
 * routes forward only what this leaves, so what authenticated a client can never be
 * forwarded by accident. A parameter whose name or value cannot be decoded counts as
 * neither token nor anything else: it is dropped.
 */
public final class QueryParameters {

	/** Name of the query parameter that may carry the client's token. */
	public static final String ACCESS_TOKEN = "access_token";

	private static final QueryParameters NONE = new QueryParameters(List.of());

	private final List<Parameter> parameters;

	private QueryParameters(List<Parameter> parameters) {
		this.parameters = parameters;
	}

	/** One decoded parameter; {@code value} is empty for a parameter without {@code =}. */
	public record Parameter(String name, String value) {

	}

	/** Decodes {@code rawQuery}, as sent on the wire ({@code null} or empty for none). */
	public static QueryParameters parse(String rawQuery) {
		if (rawQuery == null || rawQuery.isEmpty()) {
			return NONE;
		}
		List<Parameter> parameters = new ArrayList<>();
		for (String pair : rawQuery.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = decode((equals < 0) ? pair : pair.substring(0, equals));
			String value = (equals < 0) ? "" : decode(pair.substring(equals + 1));
			if (name != null && value != null) {
				parameters.add(new Parameter(name, value));
			}
		}
		return new QueryParameters(List.copyOf(parameters));
	}

	/** Returns the first non-blank {@code access_token}, trimmed, else {@code null}. */
	public String accessToken() {
		for (Parameter parameter : this.parameters) {
			if (ACCESS_TOKEN.equals(parameter.name()) && !parameter.value().isBlank()) {
				return parameter.value().trim();
			}
		}
		return null;
	}

	/**
	 * Returns the query to forward, encoded again: the parameters named in {@code allowed},
	 * in their order, never {@code access_token}; {@code null} when none is left.
	 */
	public String forwardable(Collection<String> allowed) {
		StringBuilder query = new StringBuilder();
		for (Parameter parameter : this.parameters) {
			if (!ACCESS_TOKEN.equals(parameter.name()) && allowed.contains(parameter.name())) {
				query.append((query.length() > 0) ? "&" : "")
					.append(UriUtils.encode(parameter.name(), StandardCharsets.UTF_8))
					.append('=')
					.append(UriUtils.encode(parameter.value(), StandardCharsets.UTF_8));
			}
		}
		return (query.length() > 0) ? query.toString() : null;
	}

	// '+' is a space in a form-encoded query, as in the servlet API's parameters.
	private static String decode(String raw) {
		try {
			return UriUtils.decode(raw.replace('+', ' '), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
