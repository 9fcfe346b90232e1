package io.wsgateway.handshake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

/**
 * Finds the client IP of a handshake: the socket's peer, unless the peer is a trusted
 * proxy, in which case {@code X-Forwarded-For} is read from the right and the first
 * address that is not itself a trusted proxy wins. A forged left-hand entry therefore
 * never displaces the address the trusted proxy saw.
 */
@Component
public class ClientIpResolver {

	private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

	private final List<IpAddressMatcher> trustedProxies;

	ClientIpResolver(AdmissionProperties properties) {
		this.trustedProxies = properties.trustedProxies().stream().map(IpAddressMatcher::new).toList();
	}

	/**
	 * Returns the client IP.
	 * @param peer the socket peer's address
	 * @param forwardedFor the values of every {@code X-Forwarded-For} header, in order
	 */
	public String resolve(String peer, List<String> forwardedFor) {
		if (!isTrusted(peer) || forwardedFor.isEmpty()) {
			return peer;
		}
		List<String> hops = new ArrayList<>();
		for (String header : forwardedFor) {
			for (String hop : header.split(",")) {
				hops.add(hop.trim());
			}
		}
		String client = peer;
		for (int i = hops.size() - 1; i >= 0; i--) {
			String hop = hops.get(i);
			if (!isIpLiteral(hop)) {
				return client;
			}
			client = normalize(hop);
			if (!isTrusted(client)) {
				return client;
			}
		}
		return client;
	}

	/** Returns whether {@code address}, a peer's IP literal, is one of the trusted proxies. */
	public boolean isTrustedProxy(String address) {
		return isTrusted(address);
	}

	private boolean isTrusted(String address) {
		for (IpAddressMatcher matcher : this.trustedProxies) {
			try {
				if (matcher.matches(address)) {
					return true;
				}
			}
			catch (IllegalArgumentException ex) {
				return false;
			}
		}
		return false;
	}

	// Only literals are accepted so that a header value can never trigger a DNS lookup.
	private static boolean isIpLiteral(String value) {
		return !value.isEmpty() && value.length() <= 45 && IP_LITERAL.matcher(value).matches();
	}

	private static String normalize(String literal) {
		try {
			return InetAddress.getByName(literal).getHostAddress();
		}
		catch (UnknownHostException ex) {
			return literal;
		}
	}

}
