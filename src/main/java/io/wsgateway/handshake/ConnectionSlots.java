package io.wsgateway.handshake;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.wsgateway.session.AdmissionLease;

import org.springframework.stereotype.Component;

/**
 * Counts open connections, in all and per client IP, against
 * {@code gateway.admission.max-connections} and {@code max-connections-per-ip}. A slot is
 * taken during the handshake, before the connection exists, so concurrent handshakes can
 * never overshoot a limit, and given back exactly once through its {@link Lease}.
 */
@Component
public class ConnectionSlots {

	private final AtomicInteger total = new AtomicInteger();

	private final ConcurrentHashMap<String, Integer> perIp = new ConcurrentHashMap<>();

	private final int maxConnections;

	private final int maxPerIp;

	ConnectionSlots(AdmissionProperties properties) {
		this.maxConnections = properties.maxConnections();
		this.maxPerIp = properties.maxConnectionsPerIp();
	}

	/** Returns whether every slot of this node is taken. */
	public boolean atCapacity() {
		return this.total.get() >= this.maxConnections;
	}

	/** Returns the number of slots taken (open connections and handshakes under way). */
	public int taken() {
		return this.total.get();
	}

	/** Returns the node's connection limit. */
	public int capacity() {
		return this.maxConnections;
	}

	/** Returns the {@code limit} IPs with the most open connections, most first. */
	public Map<String, Integer> topIps(int limit) {
		Map<String, Integer> top = new LinkedHashMap<>();
		this.perIp.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
			.limit(limit)
			.forEach((entry) -> top.put(entry.getKey(), entry.getValue()));
		return top;
	}

	/**
	 * Takes one slot for a connection from {@code ip}.
	 * @return the lease, or {@code null} with the refusal in {@code refusal[0]}
	 */
	Lease tryAcquire(String ip, HandshakeOutcome[] refusal) {
		if (this.total.incrementAndGet() > this.maxConnections) {
			this.total.decrementAndGet();
			refusal[0] = HandshakeOutcome.AT_CAPACITY;
			return null;
		}
		AtomicBoolean acquired = new AtomicBoolean();
		this.perIp.compute(ip, (key, count) -> {
			int current = (count != null) ? count : 0;
			if (current >= this.maxPerIp) {
				return count;
			}
			acquired.set(true);
			return current + 1;
		});
		if (!acquired.get()) {
			this.total.decrementAndGet();
			refusal[0] = HandshakeOutcome.IP_LIMIT;
			return null;
		}
		return new Lease(ip);
	}

	private void release(String ip) {
		this.perIp.computeIfPresent(ip, (key, count) -> (count <= 1) ? null : count - 1);
		this.total.decrementAndGet();
	}

	/** One connection's slot; {@link #close()} gives it back, once. */
	final class Lease implements AdmissionLease {

		// A field of the lease, not an AtomicBoolean: every open connection holds its lease.
		private static final AtomicIntegerFieldUpdater<Lease> RELEASED = AtomicIntegerFieldUpdater
			.newUpdater(Lease.class, "released");

		private final String ip;

		private volatile int released;

		private Lease(String ip) {
			this.ip = ip;
		}

		@Override
		public void close() {
			if (RELEASED.compareAndSet(this, 0, 1)) {
				release(this.ip);
			}
		}

	}

}
