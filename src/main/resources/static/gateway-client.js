/**
 * gateway-client.js: the browser (and Node 22+) client of websocket-gateway.
 *
 * A plain ES module with no dependencies and no build step. It keeps one WebSocket
 * to the gateway and adds what a real network needs: request/reply correlation by
 * `id` with a timeout, automatic reconnection with backoff and jitter, re-joining
 * rooms and re-subscribing services after a reconnect, and an application-level
 * `ping` heartbeat that notices dead connections browsers cannot see.
 *
 *   import { GatewayClient } from '/gateway-client.js';
 *   const client = new GatewayClient('wss://host/ws', { token: () => getToken() });
 *   client.on('state', (state) => ...);
 *   client.on('room_message', (m) => ...);
 *   await client.connect();
 *   await client.joinRoom('lobby');
 *
 * The wire contract is PROTOCOL v1 of the gateway; the API is documented in
 * the README section "Browser client".
 */

/** Close codes of the wire contract (section 5). */
export const CloseCodes = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
  RATE_LIMITED: 4008,
  REPLACED: 4009,
  SLOW_CONSUMER: 4010,
});

/** Connection states, as emitted by the `state` event. */
export const States = Object.freeze({
  CONNECTING: 'connecting',
  OPEN: 'open',
  RECONNECTING: 'reconnecting',
  CLOSED: 'closed',
});

/** Close code this client sends when it gives up on a connection itself (heartbeat or connect timeout). */
const CLIENT_TIMEOUT_CLOSE = 4000;

/** Error codes after which a remembered room or subscription is dropped instead of retried. */
const PERMANENT_ERRORS = new Set(['forbidden', 'invalid_message', 'bad_json', 'unknown_type']);

const DEFAULT_RECONNECT = Object.freeze({
  enabled: true,
  strategy: 'exponential', // 'fixed' | 'linear' | 'exponential'
  initialDelayMs: 500,
  maxDelayMs: 30000,
  factor: 2,
  maxAttempts: Infinity,
  jitter: true,
  stopOnCloseCodes: Object.freeze([CloseCodes.POLICY_VIOLATION, CloseCodes.RATE_LIMITED, CloseCodes.REPLACED]),
});

const DEFAULT_HEARTBEAT = Object.freeze({ intervalMs: 25000, timeoutMs: 10000 });

const DEFAULT_TOKEN_REFRESH = Object.freeze({ leadMs: 30000, jitterMs: 10000 });

/**
 * An error frame from the gateway (`code` is its code: `forbidden`, `rate_limited`, ...)
 * or a failure of the client itself (`timeout`, `connection_closed`, `not_connected`,
 * `closed`, `gave_up`, `duplicate_id`, `token_refused`).
 */
export class GatewayError extends Error {
  constructor(code, message, frame) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.frame = frame;
  }
}

/**
 * The delay before reconnection attempt number `attempt` (1 for the first retry).
 *
 * fixed: initialDelayMs; linear: initialDelayMs * attempt; exponential:
 * initialDelayMs * factor^(attempt - 1); each capped at maxDelayMs. With jitter ("full
 * jitter") the delay is drawn uniformly from [0, capped delay).
 *
 * @param {number} attempt 1-based attempt number
 * @param {object} reconnect the reconnect options (defaults filled in for missing fields)
 * @param {() => number} [random] a source of numbers in [0, 1)
 * @returns {number} milliseconds, an integer
 */
export function computeBackoffDelay(attempt, reconnect = {}, random = Math.random) {
  const o = { ...DEFAULT_RECONNECT, ...reconnect };
  const n = Math.max(1, Math.floor(attempt));
  let base;
  switch (o.strategy) {
    case 'fixed':
      base = o.initialDelayMs;
      break;
    case 'linear':
      base = o.initialDelayMs * n;
      break;
    case 'exponential':
      base = o.initialDelayMs * Math.pow(o.factor, n - 1);
      break;
    default:
      throw new TypeError(`unknown reconnect strategy '${o.strategy}' (fixed, linear or exponential)`);
  }
  const capped = Math.max(0, Math.min(base, o.maxDelayMs));
  return Math.floor(o.jitter ? random() * capped : capped);
}

/**
 * Resolves a relative endpoint such as '/ws' against the page's location, turning
 * http(s) into ws(s). Absolute ws:// and wss:// URLs are returned unchanged.
 */
export function resolveGatewayUrl(url = '/ws', location = globalThis.location) {
  if (/^wss?:\/\//i.test(url)) {
    return url;
  }
  if (!location || !location.href) {
    throw new TypeError(`a relative gateway URL ('${url}') needs a page location; pass an absolute ws:// or wss:// URL`);
  }
  const resolved = new URL(url, location.href);
  resolved.protocol = resolved.protocol === 'https:' ? 'wss:' : 'ws:';
  return resolved.toString();
}

/**
 * A connection to the gateway that reconnects by itself.
 *
 * Events (`on(name, listener)`):
 * - `state` (state, previousState): 'connecting' | 'open' | 'reconnecting' | 'closed'
 * - `open` (connectedFrame): the gateway's `connected` frame, plus `reconnected: true|false`
 * - `close` ({code, reason, wasClean, willReconnect, byClient, tokenRefused}): a connection ended
 * - `reconnecting` ({attempt, delayMs, code, reason}): a retry has been scheduled
 * - `resync` ({rooms, notifications, clans, failures, recovered}): re-joins after a reconnect settled;
 *   `recovered` maps each channel re-joined with `recover` ('room:<room>', 'clan:<clanId>') to
 *   true (every missed message follows, as ordinary events) or false (history lost or too old:
 *   reload the channel from your backend)
 * - `latency` (ms): round trip of a heartbeat or `ping()`
 * - `refreshed` (frame): a `refresh` succeeded; `frame.expiresAt` is the new token's expiry
 * - `refresh_failed` (GatewayError): a refresh failed (`invalid_token`, `forbidden`, `timeout`,
 *   `token_not_renewed`, ...); unless the token was merely not renewed, the client reconnects
 * - `message` (frame): every frame the gateway sends
 * - `send` (frame): every frame this client sent
 * - `<type>` (frame): frames that are not the reply to a `request()`, by their `type`
 *   (`room_message`, `notification`, `chat`, `typing`, `broadcast`, `connected`, `error`, ...)
 */
export class GatewayClient {
  /**
   * @param {string} url the endpoint, e.g. 'wss://host/ws' (a relative '/ws' resolves against the page)
   * @param {object} [options]
   * @param {string|null|(() => (string|null|Promise<string|null>))} [options.token] access token, or a
   *   function called before every (re)connect; null or empty connects without a token
   * @param {string} [options.tokenParam] query parameter carrying the token ('access_token')
   * @param {object|false} [options.reconnect] backoff settings, or false to never reconnect
   * @param {number} [options.requestTimeoutMs] default timeout of request() (10000)
   * @param {number} [options.connectTimeoutMs] how long to wait for the `connected` frame (10000)
   * @param {object|false} [options.heartbeat] {intervalMs, timeoutMs} of the JSON ping, or false
   * @param {object|false} [options.tokenRefresh] {leadMs, jitterMs}: when `token` is a function and
   *   the gateway says when the token expires (`expiresAt`), a new token is fetched and sent as
   *   `refresh` between leadMs + jitterMs and leadMs before expiry (at most half, and a quarter, of
   *   the time left); false to never refresh (the gateway then closes with 1008 at expiry)
   * @param {() => number} [options.wallClock] epoch milliseconds, to compare with `expiresAt` (default Date.now)
   * @param {Function} [options.WebSocket] WebSocket constructor (default: the global one)
   * @param {Function} [options.setTimeout] timer functions (default: the global ones)
   * @param {Function} [options.clearTimeout]
   * @param {() => number} [options.random] random source for jitter (default Math.random)
   * @param {() => number} [options.now] clock in ms for latency (default performance.now or Date.now)
   * @param {(err: unknown) => void} [options.onListenerError] called when an event listener throws
   * @param {(token: string) => (boolean|Promise<boolean>)} [options.checkToken] asked, when a handshake
   *   with a token failed before the socket opened, whether the token is still good: false stops the
   *   client ('token refused', no reconnect until connect()); true, or a failure of the check, retries
   */
  constructor(url, options = {}) {
    this._url = resolveGatewayUrl(url ?? '/ws');
    this._token = options.token ?? null;
    this._tokenParam = options.tokenParam ?? 'access_token';
    this._reconnect = options.reconnect === false
      ? { ...DEFAULT_RECONNECT, enabled: false }
      : { ...DEFAULT_RECONNECT, ...(options.reconnect ?? {}) };
    computeBackoffDelay(1, this._reconnect, () => 0); // validates the strategy early
    this._requestTimeoutMs = options.requestTimeoutMs ?? 10000;
    this._connectTimeoutMs = options.connectTimeoutMs ?? 10000;
    this._heartbeat = options.heartbeat === false ? null : { ...DEFAULT_HEARTBEAT, ...(options.heartbeat ?? {}) };
    this._tokenRefresh = options.tokenRefresh === false ? null : { ...DEFAULT_TOKEN_REFRESH, ...(options.tokenRefresh ?? {}) };
    this._wallClock = options.wallClock ?? (() => Date.now());
    this._WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (typeof this._WebSocket !== 'function') {
      throw new TypeError('no WebSocket implementation: pass options.WebSocket (Node before 22 has no global WebSocket)');
    }
    this._setTimeout = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this._clearTimeout = options.clearTimeout ?? ((t) => globalThis.clearTimeout(t));
    this._random = options.random ?? Math.random;
    this._now = options.now ?? (globalThis.performance ? () => globalThis.performance.now() : () => Date.now());
    this._onListenerError = options.onListenerError ?? ((err) => console.error('GatewayClient listener failed', err));
    this._checkToken = options.checkToken ?? null;

    this._listeners = new Map();
    this._state = States.CLOSED;
    this._ws = null;
    this._generation = 0;
    this._attempt = 0; // consecutive failed attempts since the last open connection
    this._attemptAtOpen = 0;
    this._reconnects = 0; // successful reconnections over the client's life
    this._reconnectTimer = null;
    this._connectTimer = null;
    this._heartbeatTimer = null;
    this._refreshTimer = null;
    this._expiresAt = null; // epoch ms of the current token's exp, or null
    this._connectWaiters = [];
    this._pending = new Map(); // id -> entry, sent or queued
    this._queue = []; // entries waiting for an open connection
    this._nextId = 0;
    this._connected = null;
    this._rooms = new Set();
    this._clans = new Set();
    this._positions = new Map(); // 'room:<room>' | 'clan:<clanId>' -> {offset, epoch}, the last message seen
    this._notifications = false;
    this._lastClose = null;
  }

  // ---- state -------------------------------------------------------------------------------

  /** 'connecting' | 'open' | 'reconnecting' | 'closed' */
  get state() { return this._state; }

  /** The endpoint URL (without the token). */
  get url() { return this._url; }

  /** Connection id from the current connection's `connected` frame, or null. */
  get connectionId() { return this._state === States.OPEN && this._connected ? this._connected.connectionId : null; }

  /** User id from the current connection's `connected` frame, or null. */
  get userId() { return this._state === States.OPEN && this._connected ? this._connected.userId : null; }

  /** The current connection's `connected` frame, or null. */
  get connectedFrame() { return this._state === States.OPEN ? this._connected : null; }

  /** When the current connection's token expires (a Date), or null: no connection, or a token without exp. */
  get expiresAt() { return this._state === States.OPEN && this._expiresAt !== null ? new Date(this._expiresAt) : null; }

  /** Number of the reconnection attempt under way or scheduled (0 while open). */
  get reconnectAttempt() { return this._attempt; }

  /** How many times the client reconnected successfully after losing a connection. */
  get reconnectCount() { return this._reconnects; }

  /** The last close: {code, reason, wasClean, willReconnect, byClient, tokenRefused}, or null. */
  get lastClose() { return this._lastClose; }

  /** Rooms that are re-joined after a reconnect. */
  get rooms() { return [...this._rooms]; }

  /** Clans whose chat is re-subscribed after a reconnect. */
  get clans() { return [...this._clans]; }

  /**
   * The last offset and epoch seen per channel with history ('room:<room>', 'clan:<clanId>'):
   * what the next re-join sends as `recover`. A copy; save it to recover after a page reload
   * with `joinRoom(room, {recover})`.
   */
  get positions() { return Object.fromEntries([...this._positions].map(([channel, p]) => [channel, { ...p }])); }

  /** Whether notifications are re-subscribed after a reconnect. */
  get notificationsSubscribed() { return this._notifications; }

  // ---- events ------------------------------------------------------------------------------

  /** Adds a listener; returns a function that removes it. */
  on(event, listener) {
    if (typeof listener !== 'function') {
      throw new TypeError('listener must be a function');
    }
    let set = this._listeners.get(event);
    if (!set) {
      set = new Set();
      this._listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Removes a listener added with on(). */
  off(event, listener) {
    const set = this._listeners.get(event);
    if (set) {
      set.delete(listener);
    }
  }

  /** Adds a listener that runs once. */
  once(event, listener) {
    const off = this.on(event, (...args) => {
      off();
      listener(...args);
    });
    return off;
  }

  _emit(event, ...args) {
    const set = this._listeners.get(event);
    if (!set) {
      return;
    }
    for (const listener of [...set]) {
      try {
        listener(...args);
      }
      catch (err) {
        this._onListenerError(err);
      }
    }
  }

  _setState(state) {
    if (state === this._state) {
      return;
    }
    const previous = this._state;
    this._state = state;
    this._emit('state', state, previous);
  }

  // ---- connecting --------------------------------------------------------------------------

  /**
   * Opens the connection. Resolves with the gateway's `connected` frame once the first
   * connection is up; while that fails it retries like any reconnect, and rejects only
   * when the client gives up (a stop close code, the attempt limit, or close()).
   */
  connect() {
    if (this._state === States.OPEN) {
      return Promise.resolve(this._connected);
    }
    const promise = new Promise((resolve, reject) => this._connectWaiters.push({ resolve, reject }));
    if (this._state === States.CLOSED) {
      this._attempt = 0;
      this._lastClose = null;
      this._openSocket(States.CONNECTING);
    }
    return promise;
  }

  /**
   * Skips the remaining backoff delay and tries to reconnect at once (for example when
   * the browser reports it is back online). Does nothing unless a retry is scheduled.
   */
  reconnectNow() {
    if (this._state === States.RECONNECTING && this._reconnectTimer !== null) {
      this._clearTimeout(this._reconnectTimer);
      this._reconnectTimer = null;
      this._openSocket(States.RECONNECTING);
    }
  }

  /**
   * Closes the connection for good: no reconnect, pending requests are rejected with
   * `closed`. Rooms and subscriptions stay remembered for a later connect().
   */
  close(code = CloseCodes.NORMAL, reason = 'client closed') {
    const wasClosed = this._state === States.CLOSED;
    this._generation++;
    this._clearTimers();
    const ws = this._ws;
    this._ws = null;
    if (ws) {
      this._detach(ws);
      closeQuietly(ws, code, reason);
    }
    const err = new GatewayError('closed', 'the client was closed');
    this._rejectAll(err);
    this._rejectConnectWaiters(err);
    if (!wasClosed) {
      this._lastClose = { code, reason, wasClean: true, willReconnect: false, byClient: true };
      this._setState(States.CLOSED);
      this._emit('close', this._lastClose);
    }
  }

  _openSocket(state) {
    this._setState(state);
    const generation = ++this._generation;
    let token;
    try {
      token = typeof this._token === 'function' ? this._token() : this._token;
    }
    catch (err) {
      this._socketGone(generation, { code: CloseCodes.ABNORMAL, reason: `token provider failed: ${err && err.message}`, wasClean: false });
      return;
    }
    if (token && typeof token.then === 'function') {
      token.then(
        (value) => this._createSocket(generation, value),
        (err) => this._socketGone(generation, { code: CloseCodes.ABNORMAL, reason: `token provider failed: ${err && err.message}`, wasClean: false }));
    }
    else {
      this._createSocket(generation, token);
    }
  }

  _urlWithToken(token) {
    if (!hasToken(token)) {
      return this._url;
    }
    const url = new URL(this._url);
    url.searchParams.set(this._tokenParam, String(token));
    return url.toString();
  }

  _createSocket(generation, token) {
    if (generation !== this._generation) {
      return; // close() or a newer attempt came first
    }
    let ws;
    try {
      ws = new this._WebSocket(this._urlWithToken(token));
    }
    catch (err) {
      // A URL the WebSocket constructor refuses will never work: give up at once.
      this._giveUp({ code: CloseCodes.ABNORMAL, reason: `cannot open WebSocket: ${err && err.message}`, wasClean: false },
        new GatewayError('gave_up', `cannot open WebSocket: ${err && err.message}`));
      return;
    }
    this._ws = ws;
    // A browser shows a handshake refused with 401 only as a close (1006) of a socket that never opened.
    let opened = false;
    ws.onopen = () => {
      opened = true;
    };
    ws.onmessage = (event) => this._onMessage(generation, event);
    ws.onclose = (event) => this._socketGone(generation, { code: event.code, reason: event.reason, wasClean: event.wasClean },
      opened || !hasToken(token) ? null : String(token));
    ws.onerror = () => {
      // Always followed by a close event, which carries what can be known.
    };
    this._connectTimer = this._setTimeout(() => {
      this._connectTimer = null;
      this._abandon(generation, `no 'connected' frame within ${this._connectTimeoutMs} ms`);
    }, this._connectTimeoutMs);
  }

  _detach(ws) {
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
  }

  /** Gives up on the current socket (it may be dead without a close event) and handles it as closed. */
  _abandon(generation, reason) {
    if (generation !== this._generation || !this._ws) {
      return;
    }
    const ws = this._ws;
    this._detach(ws);
    closeQuietly(ws, CLIENT_TIMEOUT_CLOSE, reason);
    this._socketGone(generation, { code: CloseCodes.ABNORMAL, reason, wasClean: false });
  }

  _clearTimers() {
    for (const name of ['_reconnectTimer', '_connectTimer', '_heartbeatTimer', '_refreshTimer']) {
      if (this[name] !== null) {
        this._clearTimeout(this[name]);
        this[name] = null;
      }
    }
  }

  /**
   * Handles the end of a socket; `refusedToken` is the token of a handshake that failed
   * before the socket opened (null otherwise), which options.checkToken may declare refused.
   */
  _socketGone(generation, info, refusedToken = null) {
    if (generation !== this._generation) {
      return;
    }
    this._generation++;
    const wasOpen = this._state === States.OPEN;
    this._clearTimers();
    if (this._ws) {
      this._detach(this._ws);
      this._ws = null;
    }
    // Requests already on the wire may or may not have been processed: the caller decides.
    this._rejectSent(new GatewayError('connection_closed', `the connection closed (${info.code}${info.reason ? ' ' + info.reason : ''}) before a reply`));
    if (wasOpen && info.code === CloseCodes.TRY_AGAIN_LATER) {
      // Overloaded: keep counting from where the last good connection started, so
      // repeated 1013s back off further instead of starting over every time.
      this._attempt = this._attemptAtOpen;
    }
    const r = this._reconnect;
    if (!r.enabled) {
      this._giveUp(info, new GatewayError('closed', `connection closed (${info.code}) and reconnect is disabled`));
      return;
    }
    if (r.stopOnCloseCodes.includes(info.code)) {
      this._giveUp(info, new GatewayError('closed', `connection closed with ${info.code}${info.reason ? ' (' + info.reason + ')' : ''}: not reconnecting`));
      return;
    }
    const attempt = this._attempt + 1;
    if (attempt > r.maxAttempts) {
      this._giveUp(info, new GatewayError('gave_up', `gave up after ${r.maxAttempts} reconnection attempts`));
      return;
    }
    if (refusedToken !== null && this._checkToken) {
      this._verifyToken(refusedToken, info, attempt);
      return;
    }
    this._scheduleReconnect(info, attempt);
  }

  /** Asks options.checkToken about a token whose handshake failed, then gives up or retries. */
  _verifyToken(token, info, attempt) {
    const generation = this._generation;
    let verdict;
    try {
      verdict = Promise.resolve(this._checkToken(token));
    }
    catch (err) {
      verdict = Promise.reject(err);
    }
    verdict.then((accepted) => accepted === false, () => false).then((refused) => {
      if (generation !== this._generation) {
        return; // close() or connect() came first
      }
      if (refused) {
        this._giveUp({ ...info, reason: 'token refused', tokenRefused: true },
          new GatewayError('token_refused', 'the gateway refused the token: get a new one and call connect()'));
      }
      else {
        this._scheduleReconnect(info, attempt);
      }
    });
  }

  _scheduleReconnect(info, attempt) {
    const r = this._reconnect;
    this._attempt = attempt;
    const delayMs = computeBackoffDelay(attempt, r, this._random);
    this._lastClose = { ...info, willReconnect: true, byClient: false };
    this._setState(States.RECONNECTING);
    this._emit('close', this._lastClose);
    this._emit('reconnecting', { attempt, delayMs, code: info.code, reason: info.reason });
    const retryGeneration = this._generation;
    this._reconnectTimer = this._setTimeout(() => {
      this._reconnectTimer = null;
      if (retryGeneration === this._generation) {
        this._openSocket(States.RECONNECTING);
      }
    }, delayMs);
  }

  _giveUp(info, err) {
    this._generation++;
    this._clearTimers();
    if (this._ws) {
      this._detach(this._ws);
      this._ws = null;
    }
    this._rejectAll(err);
    this._rejectConnectWaiters(err);
    this._lastClose = { ...info, willReconnect: false, byClient: false };
    this._setState(States.CLOSED);
    this._emit('close', this._lastClose);
  }

  _rejectConnectWaiters(err) {
    const waiters = this._connectWaiters;
    this._connectWaiters = [];
    for (const w of waiters) {
      w.reject(err);
    }
  }

  _rejectSent(err) {
    for (const entry of [...this._pending.values()]) {
      if (entry.sent) {
        this._settle(entry, null, err);
      }
    }
  }

  _rejectAll(err) {
    for (const entry of [...this._pending.values()]) {
      this._settle(entry, null, err);
    }
    this._queue = [];
  }

  // ---- receiving ---------------------------------------------------------------------------

  _onMessage(generation, event) {
    if (generation !== this._generation) {
      return;
    }
    let frame;
    try {
      frame = JSON.parse(typeof event.data === 'string' ? event.data : String(event.data));
    }
    catch {
      return; // the gateway only sends JSON text; ignore anything else
    }
    if (!frame || typeof frame !== 'object') {
      return;
    }
    this._emit('message', frame);
    this._track(frame);
    if (frame.type === 'connected' && this._state !== States.OPEN) {
      this._onConnected(frame);
    }
    let reply = false;
    if (typeof frame.id === 'string' && this._pending.has(frame.id)) {
      const entry = this._pending.get(frame.id);
      if (entry.sent) {
        reply = true;
        if (frame.type === 'error') {
          this._settle(entry, null, new GatewayError(frame.code || 'error', frame.message || 'error', frame));
        }
        else {
          this._settle(entry, frame, null);
        }
      }
    }
    if (!reply && frame.type === 'subscription_confirmed' && frame.service === 'clan_chat' && frame.status === 'unsubscribed') {
      this._clans.delete(frame.clanId); // a refreshed token no longer allows the clan: not re-subscribed after a reconnect
    }
    if (!reply && typeof frame.type === 'string') {
      this._emit(frame.type, frame);
    }
  }

  _onConnected(frame) {
    if (this._connectTimer !== null) {
      this._clearTimeout(this._connectTimer);
      this._connectTimer = null;
    }
    const reconnected = this._state === States.RECONNECTING;
    if (reconnected) {
      this._reconnects++;
    }
    this._attemptAtOpen = this._attempt;
    this._attempt = 0;
    this._connected = frame;
    this._setState(States.OPEN);
    // Re-join first, then what the application asked for while disconnected: the gateway
    // handles one connection's messages in order, so a queued broadcast finds its room.
    this._resync();
    this._flushQueue();
    this._scheduleHeartbeat();
    this._scheduleRefresh(frame.expiresAt);
    const waiters = this._connectWaiters;
    this._connectWaiters = [];
    for (const w of waiters) {
      w.resolve(frame);
    }
    this._emit('open', { ...frame, reconnected });
  }

  // ---- sending -----------------------------------------------------------------------------

  _sendNow(frame) {
    const ws = this._ws;
    if (!ws || this._state !== States.OPEN) {
      return false;
    }
    try {
      ws.send(JSON.stringify(frame));
    }
    catch {
      return false;
    }
    this._emit('send', frame);
    return true;
  }

  /**
   * Sends a message without waiting for anything. Returns false (and sends nothing)
   * when the connection is not open.
   */
  send(message) {
    if (!message || typeof message.type !== 'string') {
      throw new TypeError("a message needs a string 'type'");
    }
    return this._sendNow(message);
  }

  /**
   * Sends a message with an `id` and resolves with the reply carrying the same id.
   * Rejects with a GatewayError: the gateway's `error` frame (err.code is its code,
   * err.frame the frame), `timeout`, `connection_closed` (sent, but the connection
   * dropped before the reply), `not_connected` (the client is closed) or `closed`.
   * While the client is connecting or reconnecting the message waits (its timeout
   * running) and is sent as soon as the connection is open.
   *
   * @param {object} message e.g. {type: 'echo', payload: 1}; an `id` is added unless given
   * @param {{timeoutMs?: number}} [options]
   */
  request(message, { timeoutMs = this._requestTimeoutMs } = {}) {
    if (!message || typeof message.type !== 'string') {
      return Promise.reject(new TypeError("a message needs a string 'type'"));
    }
    if (this._state === States.CLOSED) {
      return Promise.reject(new GatewayError('not_connected', 'the client is not connected: call connect() first'));
    }
    const id = message.id ?? `c${++this._nextId}`;
    if (this._pending.has(id)) {
      return Promise.reject(new GatewayError('duplicate_id', `a request with id '${id}' is already pending`));
    }
    const frame = { ...message, id };
    return new Promise((resolve, reject) => {
      const entry = { id, frame, resolve, reject, sent: false, timer: null };
      entry.timer = this._setTimeout(() => {
        entry.timer = null;
        this._settle(entry, null, new GatewayError('timeout', `no reply to '${frame.type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this._pending.set(id, entry);
      if (this._state === States.OPEN) {
        this._transmit(entry);
      }
      else {
        this._queue.push(entry);
      }
    });
  }

  _transmit(entry) {
    entry.sent = true;
    if (!this._sendNow(entry.frame)) {
      this._settle(entry, null, new GatewayError('connection_closed', 'the connection closed before the message could be sent'));
    }
  }

  _flushQueue() {
    const queue = this._queue;
    this._queue = [];
    for (const entry of queue) {
      if (this._pending.get(entry.id) === entry) {
        this._transmit(entry);
      }
    }
  }

  _settle(entry, value, err) {
    if (this._pending.get(entry.id) !== entry) {
      return;
    }
    this._pending.delete(entry.id);
    if (entry.timer !== null) {
      this._clearTimeout(entry.timer);
      entry.timer = null;
    }
    if (!entry.sent) {
      const i = this._queue.indexOf(entry);
      if (i >= 0) {
        this._queue.splice(i, 1);
      }
    }
    if (err) {
      entry.reject(err);
    }
    else {
      entry.resolve(value);
    }
  }

  // ---- heartbeat ---------------------------------------------------------------------------

  _scheduleHeartbeat() {
    if (!this._heartbeat) {
      return;
    }
    const generation = this._generation;
    this._heartbeatTimer = this._setTimeout(() => {
      this._heartbeatTimer = null;
      if (generation !== this._generation || this._state !== States.OPEN) {
        return;
      }
      this.ping({ timeoutMs: this._heartbeat.timeoutMs }).then(
        () => {
          if (generation === this._generation) {
            this._scheduleHeartbeat();
          }
        },
        (err) => {
          if (err && err.code === 'timeout') {
            this._abandon(generation, `heartbeat: no pong within ${this._heartbeat.timeoutMs} ms`);
          }
          else if (generation === this._generation) {
            this._scheduleHeartbeat(); // an error reply (rate_limited, ...) still shows the connection is alive
          }
        });
    }, this._heartbeat.intervalMs);
  }

  /** Sends `ping` and resolves with the round trip in milliseconds (also emitted as `latency`). */
  async ping({ timeoutMs = this._requestTimeoutMs } = {}) {
    const started = this._now();
    await this.request({ type: 'ping' }, { timeoutMs });
    const latency = Math.max(0, this._now() - started);
    this._emit('latency', latency);
    return latency;
  }

  // ---- token refresh -----------------------------------------------------------------------

  _scheduleRefresh(expiresAt) {
    if (this._refreshTimer !== null) {
      this._clearTimeout(this._refreshTimer);
      this._refreshTimer = null;
    }
    const at = typeof expiresAt === 'string' ? Date.parse(expiresAt) : NaN;
    this._expiresAt = Number.isNaN(at) ? null : at;
    if (!this._tokenRefresh || typeof this._token !== 'function' || this._expiresAt === null) {
      return;
    }
    // Never more than half (lead) and a quarter (jitter) of the time left, so a short-lived
    // token is still refreshed in time and a long lead cannot make the client refresh at once.
    const left = Math.max(0, this._expiresAt - this._wallClock());
    const lead = Math.min(this._tokenRefresh.leadMs, left / 2);
    const jitter = Math.min(this._tokenRefresh.jitterMs, left / 4);
    const delayMs = Math.max(0, Math.floor(left - lead - this._random() * jitter));
    const generation = this._generation;
    this._refreshTimer = this._setTimeout(() => {
      this._refreshTimer = null;
      if (generation === this._generation && this._state === States.OPEN) {
        this.refreshToken().catch(() => {}); // reported as 'refresh_failed'
      }
    }, delayMs);
  }

  /**
   * Calls the `token` function and sends the new token as `refresh` on the open connection,
   * which keeps its rooms and subscriptions. Resolves with the `refreshed` reply. On failure
   * it emits `refresh_failed` and rejects; the client then reconnects with a fresh token,
   * except when the new token expires no later than the current one (`token_not_renewed`):
   * then the connection simply lasts until its token expires.
   */
  async refreshToken(options) {
    if (typeof this._token !== 'function') {
      throw new TypeError('refreshToken() needs options.token to be a function');
    }
    const generation = this._generation;
    const previous = this._expiresAt;
    let err;
    try {
      const token = await this._token();
      if (!token) {
        throw new GatewayError('invalid_token', 'the token function returned no token');
      }
      const reply = await this.request({ type: 'refresh', token: String(token) }, options);
      const renewed = reply.expiresAt === undefined || previous === null || Date.parse(reply.expiresAt) > previous;
      if (generation === this._generation) {
        this._scheduleRefresh(renewed ? reply.expiresAt : null);
        if (!renewed) {
          this._expiresAt = previous;
        }
      }
      if (renewed) {
        this._emit('refreshed', reply);
        return reply;
      }
      err = new GatewayError('token_not_renewed', `the new token expires no later than the current one (${reply.expiresAt})`, reply);
    }
    catch (caught) {
      err = caught instanceof GatewayError ? caught : new GatewayError('invalid_token', `token provider failed: ${caught && caught.message}`);
    }
    this._emit('refresh_failed', err);
    if (err.code !== 'token_not_renewed' && generation === this._generation && this._state === States.OPEN) {
      this._abandon(generation, `token refresh failed (${err.code})`);
    }
    throw err;
  }

  // ---- rooms and subscriptions -------------------------------------------------------------

  /**
   * Joins a room and remembers it: it is re-joined after every reconnect, with `recover` when
   * the room keeps history. Resolves with `room_joined` ({offset, epoch, recovered} with history).
   * `options.recover` {offset, epoch} recovers from a position saved earlier (`positions`).
   */
  joinRoom(room, options) {
    this._rooms.add(room);
    return this.request(withRecover({ type: 'join_room', room }, options?.recover), options).catch((err) => {
      if (isPermanent(err)) {
        this._rooms.delete(room);
      }
      throw err;
    });
  }

  /** Leaves a room and forgets it. Resolves with `room_left`, or null when not connected. */
  leaveRoom(room, options) {
    this._rooms.delete(room);
    this._positions.delete(`room:${room}`);
    if (this._state !== States.OPEN) {
      return Promise.resolve(null);
    }
    return this.request({ type: 'leave_room', room }, options);
  }

  /** Sends a payload to the other members of a room (the sender must have joined). Resolves with `ack`. */
  sendToRoom(room, payload, options) {
    return this.request({ type: 'broadcast', room, payload }, options);
  }

  /** Subscribes to this user's notifications, remembered across reconnects. */
  subscribeNotifications(options) {
    this._notifications = true;
    return this.request({ type: 'subscribe_notifications' }, options).catch((err) => {
      if (isPermanent(err)) {
        this._notifications = false;
      }
      throw err;
    });
  }

  /** Unsubscribes from notifications. Resolves with the confirmation, or null when not connected. */
  unsubscribeNotifications(options) {
    this._notifications = false;
    if (this._state !== States.OPEN) {
      return Promise.resolve(null);
    }
    return this.request({ type: 'unsubscribe_notifications' }, options);
  }

  /** Acknowledges a notification to the backend. */
  ackNotification(notificationId, options) {
    return this.request({ type: 'notification_ack', notificationId }, options);
  }

  /**
   * Subscribes to a clan's chat (the clan must be in the token's `clans` claim, else
   * the promise rejects with code `forbidden` and the clan is not remembered).
   */
  subscribeClanChat(clanId, options) {
    this._clans.add(clanId);
    return this.request(withRecover({ type: 'subscribe_clan_chat', clanId }, options?.recover), options).catch((err) => {
      if (isPermanent(err)) {
        this._clans.delete(clanId);
      }
      throw err;
    });
  }

  /** Unsubscribes from a clan's chat. Resolves with the confirmation, or null when not connected. */
  unsubscribeClanChat(clanId, options) {
    this._clans.delete(clanId);
    this._positions.delete(`clan:${clanId}`);
    if (this._state !== States.OPEN) {
      return Promise.resolve(null);
    }
    return this.request({ type: 'unsubscribe_clan_chat', clanId }, options);
  }

  /** Sends a clan chat message. Resolves with `message_sent` {messageId}. */
  sendChat(clanId, content, messageType = 'TEXT', options) {
    return this.request({ type: 'chat', clanId, content, messageType }, options);
  }

  /** Tells the clan's other subscribers whether this user is typing (no reply). */
  sendTyping(clanId, isTyping = true) {
    return this.send({ type: 'typing', clanId, isTyping: Boolean(isTyping) });
  }

  /**
   * A room's or clan chat's recent messages (member or subscriber only): `where` is {room} or
   * {clanId}, with optional `limit` (1 to 100, default 50) and `before` (an offset). Resolves
   * with `history` {epoch, offset, messages}, oldest first.
   */
  history(where, options) {
    return this.request({ type: 'history', ...where }, options);
  }

  /** Resolves with the `echo` reply carrying the same payload. */
  echo(payload, options) {
    return this.request({ type: 'echo', payload }, options);
  }

  /** Resolves with the `status` reply {connectionId, userId, rooms, subscriptions, connectedAt, node}. */
  status(options) {
    return this.request({ type: 'status' }, options);
  }

  _resync() {
    const queued = new Set(this._queue.map((e) => `${e.frame.type}|${e.frame.room ?? e.frame.clanId ?? ''}`));
    const tasks = [];
    const failures = [];
    const recovered = {};
    const recovering = (promise, channel, recover) => (recover ? promise.then((reply) => {
      recovered[channel] = reply?.recovered === true;
      return reply;
    }) : promise);
    const track = (promise, what, forget) => tasks.push(promise.catch((err) => {
      failures.push({ ...what, code: err.code, message: err.message });
      if (isPermanent(err)) {
        forget();
      }
    }));
    for (const room of this._rooms) {
      if (!queued.has(`join_room|${room}`)) {
        const recover = this._positions.get(`room:${room}`);
        track(recovering(this.request(withRecover({ type: 'join_room', room }, recover)), `room:${room}`, recover),
          { type: 'join_room', room }, () => this._rooms.delete(room));
      }
    }
    if (this._notifications && !queued.has('subscribe_notifications|')) {
      track(this.request({ type: 'subscribe_notifications' }), { type: 'subscribe_notifications' }, () => { this._notifications = false; });
    }
    for (const clanId of this._clans) {
      if (!queued.has(`subscribe_clan_chat|${clanId}`)) {
        const recover = this._positions.get(`clan:${clanId}`);
        track(recovering(this.request(withRecover({ type: 'subscribe_clan_chat', clanId }, recover)), `clan:${clanId}`, recover),
          { type: 'subscribe_clan_chat', clanId }, () => this._clans.delete(clanId));
      }
    }
    if (tasks.length > 0) {
      Promise.all(tasks).then(() => this._emit('resync', {
        rooms: this.rooms, notifications: this._notifications, clans: this.clans, failures, recovered,
      }));
    }
  }

  // Keeps the last offset seen per channel. A join's reply sets it, except after a successful
  // recovery: the replayed messages that follow move it, so that a connection lost during the
  // replay recovers from the last one that arrived, not from the reply's offset.
  _track(frame) {
    const channel = channelOf(frame);
    if (channel === null || typeof frame.offset !== 'number' || typeof frame.epoch !== 'string') {
      return;
    }
    const known = this._positions.get(channel);
    const joined = frame.type === 'room_joined' || frame.type === 'subscription_confirmed';
    if (joined && frame.recovered === true && known && known.epoch === frame.epoch) {
      return;
    }
    if (!known || known.epoch !== frame.epoch || frame.offset > known.offset || (joined && frame.recovered === false)) {
      this._positions.set(channel, { offset: frame.offset, epoch: frame.epoch });
    }
  }
}

/** The history channel a frame belongs to ('room:<room>', 'clan:<clanId>'), or null. */
function channelOf(frame) {
  switch (frame.type) {
    case 'room_message':
    case 'room_joined':
      return typeof frame.room === 'string' ? `room:${frame.room}` : null;
    case 'chat':
      return typeof frame.clanId === 'string' ? `clan:${frame.clanId}` : null;
    case 'subscription_confirmed':
      return frame.service === 'clan_chat' && frame.status === 'subscribed' ? `clan:${frame.clanId}` : null;
    default:
      return null;
  }
}

/** The join request with `recover` when a position is known. */
function withRecover(request, recover) {
  return recover ? { ...request, recover: { offset: recover.offset, epoch: recover.epoch } } : request;
}

/** Closes a socket, falling back to a plain close() when the code or reason is refused. */
function closeQuietly(ws, code, reason) {
  try {
    ws.close(code, reason);
  }
  catch {
    try {
      ws.close();
    }
    catch {
      // already closed
    }
  }
}

function hasToken(token) {
  return token !== null && token !== undefined && token !== '';
}

function isPermanent(err) {
  return err instanceof GatewayError && PERMANENT_ERRORS.has(err.code);
}
