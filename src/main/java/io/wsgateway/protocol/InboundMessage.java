package io.wsgateway.protocol;

import java.util.Arrays;

/**
 * One client message, read once by {@link MessageCodec#read}: its envelope ({@code type},
 * {@code id}, {@code traceparent}) and its top-level fields as the parser met them, so that
 * the router, tracing and the handler's record all take what they need from one pass over
 * the text, with no tree in between. A field's value is kept as a string, a boolean, a null,
 * or the text sent (numbers and structures), which is what the request records take.
 * Where a field appears twice the last one counts, as in a parsed JSON object.
 */
public final class InboundMessage {

	/** The longest {@code id} a message may carry. */
	public static final int MAX_ID_LENGTH = 64;

	static final byte STRING = 0;

	static final byte TRUE = 1;

	static final byte FALSE = 2;

	static final byte NULL = 3;

	/** A number, kept as its digits. */
	static final byte NUMBER = 4;

	/** An object or array, kept as the characters sent. */
	static final byte STRUCTURE = 5;

	/** What a message that is valid JSON but not an object reads as. */
	static final InboundMessage NOT_AN_OBJECT = new InboundMessage(false);

	private final boolean object;

	private String[] names = new String[4];

	private byte[] kinds = new byte[4];

	// a string's value, a number's digits, a structure's characters; null for the other kinds
	private String[] values = new String[4];

	private int size;

	InboundMessage(boolean object) {
		this.object = object;
	}

	/** Returns whether the message is a JSON object; every other check needs one. */
	public boolean isObject() {
		return this.object;
	}

	/** Returns the {@code type} when it is a string, else {@code null}. */
	public String type() {
		return string("type");
	}

	/**
	 * Returns the {@code id} when it is a string of 1 to {@value #MAX_ID_LENGTH} characters,
	 * else {@code null}; {@link #hasInvalidId()} tells a missing id from a wrong one.
	 */
	public String id() {
		String id = string("id");
		return (id != null && !id.isEmpty() && id.length() <= MAX_ID_LENGTH) ? id : null;
	}

	/** Returns whether the message has an {@code id} that is neither {@code null} nor a valid id. */
	public boolean hasInvalidId() {
		return !isAbsentOrNull("id") && id() == null;
	}

	/** Returns the {@code traceparent} when it is a string, else {@code null}. */
	public String traceParent() {
		return string("traceparent");
	}

	/** Returns the value of a top-level field when it is a string, else {@code null}. */
	String string(String name) {
		int field = find(name);
		return (field >= 0 && this.kinds[field] == STRING) ? this.values[field] : null;
	}

	/** Returns whether the field is absent or JSON {@code null}. */
	boolean isAbsentOrNull(String name) {
		int field = find(name);
		return field < 0 || this.kinds[field] == NULL;
	}

	/** Returns the index of the field's last occurrence, or -1. */
	int find(String name) {
		for (int i = this.size - 1; i >= 0; i--) {
			if (name.equals(this.names[i])) {
				return i;
			}
		}
		return -1;
	}

	int size() {
		return this.size;
	}

	String name(int field) {
		return this.names[field];
	}

	byte kind(int field) {
		return this.kinds[field];
	}

	/** Returns a string's value, a number's digits or a structure's characters. */
	String value(int field) {
		return this.values[field];
	}

	void add(String name, byte kind, String value) {
		if (this.size == this.names.length) {
			int capacity = this.size * 2;
			this.names = Arrays.copyOf(this.names, capacity);
			this.kinds = Arrays.copyOf(this.kinds, capacity);
			this.values = Arrays.copyOf(this.values, capacity);
		}
		this.names[this.size] = name;
		this.kinds[this.size] = kind;
		this.values[this.size] = value;
		this.size++;
	}

}
