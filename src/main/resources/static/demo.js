// The demo page: ONE GatewayClient for the page's life, so that Disconnect then Connect keeps
// rooms and subscriptions as the client promises; every panel shows what the gateway said.
// In the dev profile the user picker gets a token from POST /dev/token and "Send me a test
// notification" calls the server API with the dev API key from GET /dev/config.
// Query parameters: ?user=&roles=&clans=&ttl=&room=&token=&url=&autoconnect=1 (ttl: seconds of a
// picked user's tokens, so that a short one shows the client refreshing it)
import { GatewayClient, resolveGatewayUrl } from './gateway-client.js';
import { $, append, bubble, describeError, el, payloadText, time, words } from './demo-view.js';
import { wireChat } from './demo-chat.js';
import { wireTools } from './demo-tools.js';

const params = new URLSearchParams(location.search);
const LOG_LIMIT = 300;

let devConfig = null; // {apiKey, ...} in the dev profile, else null
let client = null;
let retryTimer = null;
let everOpened = false;
let picked = null; // the user picker's {sub, roles, clans, ttl}: a refresh signs a new token for it

// ---- log and hints ---------------------------------------------------------------------------

function log(kind, text) {
  const arrow = { in: '⬇', out: '⬆' }[kind] ?? '•';
  append($('log'), el('li', kind, `${time()} ${arrow} ${text}`), LOG_LIMIT);
}

function short(frame) {
  const json = JSON.stringify(frame);
  return json.length > 400 ? json.slice(0, 400) + '…' : json;
}

function showHint(text, kind = 'info') {
  const hint = $('hint');
  hint.textContent = text;
  hint.dataset.kind = kind;
  hint.hidden = false;
}

function requireOpen() {
  if (client.state === 'open') {
    return true;
  }
  showHint(client.state === 'closed' ? 'Connect first.' : 'Not connected yet: wait for the connection to open.');
  return false;
}

// ---- identity --------------------------------------------------------------------------------

function tokenClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part));
  }
  catch {
    return null;
  }
}

async function signIn(sub, roles, clans) {
  picked = { sub, roles, clans, ttl: Number(params.get('ttl')) || undefined };
  await mintToken();
  reconnect();
}

async function mintToken() {
  const response = await fetch('dev/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(picked),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const errors = (body.errors ?? []).map((e) => `${e.pointer.replace('#/', '')} ${e.detail}`).join('; ');
    throw new Error(errors || body.detail || `POST /dev/token answered ${response.status}`);
  }
  $('token').value = body.token;
  return body.token;
}

// The client asks for a token to connect, reconnect and refresh. A picked user's token that the
// connection already holds, or that is (nearly) expired, gets a new one signed in its place.
async function currentToken() {
  const token = $('token').value.trim() || null;
  const exp = token && tokenClaims(token)?.exp;
  const held = client.expiresAt && exp * 1000 <= client.expiresAt.getTime();
  if (picked && exp && (held || exp * 1000 - Date.now() < 5000)) {
    return mintToken();
  }
  return token;
}

/** Used by the client after a handshake with a token failed before opening (see docs/javascript-client.md). */
async function checkToken(token) {
  // The server API verifies tokens exactly as the handshake does: 401 is a refused token,
  // 403 (not a service token) or 404 a good one. The browser cannot see the handshake's status.
  const response = await fetch('api/v1/connections/token-check', { headers: { Authorization: `Bearer ${token}` } });
  if (response.status === 401) {
    return false;
  }
  if ([403, 404].includes(response.status) || response.ok) {
    return true;
  }
  throw new Error(`token check answered ${response.status}`);
}

// ---- connection ------------------------------------------------------------------------------

function reconnect() {
  if (client.state !== 'closed') {
    client.close();
  }
  connect();
}

function connect() {
  everOpened = false;
  $('hint').hidden = true;
  client.connect().catch((err) => log('info', `connect gave up: ${describeError(err)}`));
}

function renderFacts() {
  const state = client.state;
  const open = state === 'open';
  const frame = client.connectedFrame;
  $('user-id').textContent = open ? frame.userId : '–';
  $('connection-id').textContent = open ? frame.connectionId : '–';
  const claims = open ? tokenClaims($('token').value.trim()) : null;
  $('claims').textContent = !open ? '–' : claims
    ? `${(claims.roles ?? []).join(', ') || 'no roles'} · ${(claims.clans ?? []).join(', ') || 'no clans'}`
    : 'anonymous: no roles, no clans';
  const who = $('who-badge');
  who.hidden = !open;
  who.textContent = open ? frame.userId : '';
  if (!open) {
    $('latency').textContent = '';
  }
  $('latency-badge').hidden = $('latency').textContent === '';
  $('reconnect-count').textContent = String(client.reconnectCount);
  if (state !== 'reconnecting') {
    clearInterval(retryTimer);
    $('reconnect-detail').textContent = '';
  }
}

function setState(state) {
  const badge = $('state');
  badge.textContent = state;
  badge.dataset.state = state;
  badge.className = `badge state-${state}`;
  const active = state !== 'closed';
  $('connect-btn').disabled = active;
  $('disconnect-btn').disabled = !active;
  $('ping-btn').disabled = state !== 'open';
  $('url').disabled = active;
  $('token').disabled = active;
  if (state === 'open') {
    $('hint').hidden = true;
  }
  renderFacts();
  chat.render();
  tools.renderNotifications();
}

function countdown(attempt, delayMs) {
  clearInterval(retryTimer);
  const due = Date.now() + delayMs;
  const tick = () => {
    const left = due - Date.now();
    $('reconnect-detail').textContent = ` · attempt ${attempt}, ${left > 0 ? `next in ${(left / 1000).toFixed(1)} s` : 'trying now'}`;
    if (left <= 0) {
      clearInterval(retryTimer);
    }
  };
  tick();
  retryTimer = setInterval(tick, 100);
}

function onClose(info) {
  $('last-close').textContent = `${info.code}${info.reason ? ` ${info.reason}` : ''} at ${time()}`
    + (info.willReconnect ? '' : info.byClient ? ' (by you)' : ' (final)');
  if (info.tokenRefused) {
    showHint('Token refused: the gateway did not accept this token (expired, or signed with another key). '
      + 'Not reconnecting: pick a user to get a new token, or paste another, then connect.', 'error');
  }
  else if (!everOpened && !info.byClient && $('token').value.trim() === '') {
    showHint('The gateway did not accept the connection. Without a token it needs anonymous access (the dev profile); '
      + 'a foreign origin (403) or a limit (429, 503) looks the same to a browser.');
  }
  else if ([4009, 4008, 1008].includes(info.code)) {
    const why = { 4009: 'replaced by a newer connection of the same user', 4008: 'closed for repeated rate-limit violations',
      1008: 'the token expired' }[info.code];
    showHint(`Not reconnecting: ${why}. Connect again when ready.`, 'error');
  }
}

function createClient() {
  const c = new GatewayClient($('url').value.trim() || '/ws', {
    token: currentToken,
    checkToken,
    reconnect: {
      strategy: 'exponential',
      initialDelayMs: Number(params.get('initialDelayMs')) || 500,
      maxDelayMs: Number(params.get('maxDelayMs')) || 10000,
      maxAttempts: Infinity,
      jitter: true,
    },
    requestTimeoutMs: 10000,
    heartbeat: { intervalMs: 15000, timeoutMs: 8000 },
  });
  c.on('state', (state) => {
    setState(state);
    log('info', `state ${state}`);
  });
  c.on('open', (frame) => {
    everOpened = true;
    chat.system(frame.reconnected ? `reconnected as ${frame.userId}` : `connected as ${frame.userId}`);
    if (frame.expiresAt) {
      chat.system(`token expires ${frame.expiresAt}`);
    }
    const room = params.get('room');
    if (room && !frame.reconnected && c.rooms.length === 0) {
      chat.join(room);
    }
  });
  c.on('close', onClose);
  c.on('reconnecting', ({ attempt, delayMs, code }) => {
    log('info', `reconnect attempt ${attempt} in ${delayMs} ms (close ${code})`);
    countdown(attempt, delayMs);
  });
  c.on('resync', (result) => chat.resynced(result));
  c.on('refreshed', (r) => chat.system(`token refreshed, expires ${r.expiresAt ?? 'never'}`));
  c.on('latency', (ms) => {
    $('latency').textContent = `${Math.round(ms)} ms`;
    $('latency-badge').hidden = false;
  });
  c.on('message', (frame) => log('in', short(frame)));
  c.on('send', (frame) => log('out', short(frame)));
  c.on('broadcast', (m) => tools.tool('broadcast', `from ${m.from}`, payloadText(m.payload)));
  c.on('notification', (n) => {
    append($('notifications'), bubble({ who: n.title ?? 'notification', text: n.message ?? '', at: n.createdAt }));
    if (n.id) {
      c.ackNotification(n.id).catch((err) => log('info', `ack of ${n.id} failed: ${describeError(err)}`));
    }
  });
  c.on('error', (frame) => log('info', `error without request: ${frame.code} ${frame.message}`));
  return c;
}

// ---- wiring the page -------------------------------------------------------------------------

function onSubmit(id, handler) {
  $(id).addEventListener('submit', (e) => {
    e.preventDefault();
    handler();
  });
}

async function loadDevConfig() {
  try {
    const response = await fetch('dev/config');
    devConfig = response.ok ? await response.json() : null;
  }
  catch {
    devConfig = null;
  }
  $('picker-note').textContent = devConfig
    ? 'Dev profile: the page signs a token for this user with POST /dev/token. Use another user in a second window.'
    : 'Dev tokens need the dev profile (./mvnw spring-boot:run). Paste a token under "Endpoint and token" instead.';
  $('sign-in-btn').disabled = !devConfig;
  tools.renderNotifications();
}

let chat;
let tools;

function init() {
  $('url').value = params.get('url') || resolveGatewayUrl('/ws');
  $('token').value = params.get('token') || '';
  $('user-id-input').value = params.get('user') || `user-${Math.floor(Math.random() * 9000 + 1000)}`;
  $('roles-input').value = params.get('roles') || '';
  $('clans-input').value = params.get('clans') || '';
  if (params.get('room')) {
    $('room-input').value = params.get('room');
  }
  client = createClient();
  chat = wireChat({ client: () => client, requireOpen });
  tools = wireTools({ client: () => client, requireOpen, devConfig: () => devConfig });
  window.gatewayDemo = { client };

  onSubmit('user-form', () => {
    signIn($('user-id-input').value.trim(), words($('roles-input').value), words($('clans-input').value))
      .catch((err) => showHint(`No token: ${err.message}`, 'error'));
  });
  $('token').addEventListener('input', () => { picked = null; });
  $('anonymous-btn').addEventListener('click', () => {
    picked = null;
    $('token').value = '';
    reconnect();
  });
  $('connect-btn').addEventListener('click', connect);
  $('disconnect-btn').addEventListener('click', () => client.close());
  $('ping-btn').addEventListener('click', () => client.ping().catch((err) => log('info', `ping failed: ${describeError(err)}`)));
  $('clear-log').addEventListener('click', () => $('log').replaceChildren());
  window.addEventListener('online', () => client.reconnectNow());

  setState('closed');
  loadDevConfig().then(() => {
    if (params.get('autoconnect') === '1') {
      if (devConfig && params.get('user') && !params.get('token')) {
        $('user-form').requestSubmit();
      }
      else {
        connect();
      }
    }
  });
}

init();
