// The demo page: one GatewayClient driven by forms. Everything shown comes from the
// client's events. Query parameters prefill the forms: ?token=&nick=&room=&url=&autoconnect=1
import { GatewayClient, resolveGatewayUrl } from './gateway-client.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const LOG_LIMIT = 300;
const MESSAGE_LIMIT = 200;

let client = null;
let retryTimer = null;
let everOpened = false;

// ---- helpers ---------------------------------------------------------------------------------

function time() {
  return new Date().toLocaleTimeString([], { hour12: false });
}

function append(list, li, limit = MESSAGE_LIMIT) {
  const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  list.appendChild(li);
  while (list.children.length > limit) {
    list.removeChild(list.firstChild);
  }
  if (stick) {
    list.scrollTop = list.scrollHeight;
  }
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function log(kind, text) {
  const li = el('li', kind, `${time()} ${kind === 'in' ? '⬇' : kind === 'out' ? '⬆' : '•'} ${text}`);
  append($('log'), li, LOG_LIMIT);
}

function short(frame) {
  const json = JSON.stringify(frame);
  return json.length > 400 ? json.slice(0, 400) + '…' : json;
}

function nick() {
  return $('nick').value.trim() || 'guest';
}

function describeError(err) {
  if (!err) {
    return 'unknown error';
  }
  return err.code ? `${err.code}: ${err.message}` : String(err.message || err);
}

// ---- chat ------------------------------------------------------------------------------------

function chatLine({ room, who, text, mine, system }) {
  const li = el('li', system ? 'system' : mine ? 'mine' : 'theirs');
  li.dataset.room = room ?? '';
  if (!system) {
    li.dataset.from = who;
    li.append(el('span', 'room', `#${room}`), el('span', 'who', who), el('span', 'text', text));
  }
  else {
    li.textContent = text;
  }
  append($('chat-messages'), li);
  return li;
}

function renderRooms() {
  const list = $('room-list');
  const select = $('chat-room');
  const current = select.value;
  list.replaceChildren();
  select.replaceChildren();
  for (const room of client ? client.rooms : []) {
    const li = el('li', null);
    li.dataset.room = room;
    const leave = el('button', null, '×');
    leave.type = 'button';
    leave.title = `leave ${room}`;
    leave.setAttribute('aria-label', `leave ${room}`);
    leave.addEventListener('click', () => leaveRoom(room));
    li.append(el('span', null, `#${room}`), leave);
    list.append(li);
    const option = el('option', null, `#${room}`);
    option.value = room;
    select.append(option);
  }
  if (select.options.length === 0) {
    const none = el('option', null, 'no room');
    none.value = '';
    select.append(none);
  }
  if ([...select.options].some((o) => o.value === current)) {
    select.value = current;
  }
}

async function joinRoom(room) {
  if (!client) {
    return;
  }
  try {
    const reply = await client.joinRoom(room);
    chatLine({ room, system: true, text: `joined #${room}${reply.members !== undefined ? ` (${reply.members} members)` : ''}` });
    $('chat-room').value = room;
  }
  catch (err) {
    chatLine({ room, system: true, text: `could not join #${room}: ${describeError(err)}` });
  }
  renderRooms();
  $('chat-room').value = room;
}

async function leaveRoom(room) {
  const pending = client.leaveRoom(room);
  renderRooms();
  try {
    await pending;
    chatLine({ room, system: true, text: `left #${room}` });
  }
  catch (err) {
    chatLine({ room, system: true, text: `leaving #${room}: ${describeError(err)}` });
  }
}

async function sendChat(room, text) {
  const li = chatLine({ room, who: nick(), text, mine: true });
  li.classList.add('pending');
  try {
    await client.sendToRoom(room, { nick: nick(), text });
    li.classList.remove('pending');
    li.classList.add('sent');
  }
  catch (err) {
    li.classList.remove('pending');
    li.classList.add('failed');
    li.title = describeError(err);
  }
}

// ---- connection ------------------------------------------------------------------------------

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
    $('connection-id').textContent = client.connectionId;
    $('user-id').textContent = client.userId;
    $('hint').hidden = true;
  }
  else {
    $('connection-id').textContent = '–';
  }
  $('reconnect-attempt').textContent = String(client ? client.reconnectAttempt : 0);
  $('reconnect-count').textContent = String(client ? client.reconnectCount : 0);
}

function showHint(text) {
  const hint = $('hint');
  hint.textContent = text;
  hint.hidden = false;
}

function countdown(delayMs) {
  clearInterval(retryTimer);
  const due = Date.now() + delayMs;
  const tick = () => {
    const left = due - Date.now();
    $('next-retry').textContent = left > 0 ? `in ${(left / 1000).toFixed(1)} s` : 'now';
    if (left <= 0) {
      clearInterval(retryTimer);
    }
  };
  tick();
  retryTimer = setInterval(tick, 100);
}

function wire(c) {
  c.on('state', (state) => {
    setState(state);
    log('info', `state ${state}`);
    if (state === 'open' || state === 'closed') {
      clearInterval(retryTimer);
      $('next-retry').textContent = '–';
    }
  });
  c.on('open', (frame) => {
    everOpened = true;
    if (frame.expiresAt) {
      chatLine({ system: true, text: `token expires ${frame.expiresAt}` });
    }
    if (frame.reconnected) {
      chatLine({ system: true, text: `reconnected as ${frame.connectionId}` });
    }
  });
  c.on('close', (info) => {
    $('last-close').textContent = `${info.code}${info.reason ? ` ${info.reason}` : ''}${info.willReconnect ? '' : ' (final)'}`;
    if (!everOpened && !info.byClient) {
      showHint('The gateway did not accept the connection. A refused handshake looks the same to a browser '
        + 'whatever the reason: a missing or invalid token (401), a foreign origin (403), or limits (429/503).');
    }
    else if ([4009, 4008, 1008].includes(info.code)) {
      const why = { 4009: 'replaced by a newer connection of the same user', 4008: 'closed for repeated rate-limit violations',
        1008: 'the token expired' }[info.code];
      showHint(`Not reconnecting: ${why}. Connect again when ready.`);
    }
  });
  c.on('reconnecting', ({ attempt, delayMs, code }) => {
    $('reconnect-attempt').textContent = String(attempt);
    log('info', `reconnect attempt ${attempt} in ${delayMs} ms (close ${code})`);
    countdown(delayMs);
  });
  c.on('resync', ({ rooms, failures }) => {
    for (const room of rooms) {
      chatLine({ room, system: true, text: `rejoined #${room}` });
    }
    for (const f of failures) {
      chatLine({ room: f.room, system: true, text: `re-${f.type} ${f.room ?? f.clanId ?? ''} failed: ${f.code}` });
    }
    renderRooms();
    renderNotifications();
  });
  c.on('refreshed', (r) => chatLine({ system: true, text: `token refreshed, expires ${r.expiresAt ?? 'never'}` }));
  c.on('latency', (ms) => {
    $('latency').textContent = `${Math.round(ms)} ms`;
  });
  c.on('message', (frame) => log('in', short(frame)));
  c.on('send', (frame) => log('out', short(frame)));
  c.on('room_message', (m) => {
    const payload = m.payload;
    const text = payload && typeof payload === 'object' ? String(payload.text ?? JSON.stringify(payload)) : String(payload);
    const who = payload && typeof payload === 'object' && payload.nick ? String(payload.nick) : m.from;
    chatLine({ room: m.room, who, text, mine: false });
  });
  c.on('broadcast', (m) => chatLine({ system: true, text: `broadcast from ${m.from}: ${JSON.stringify(m.payload)}` }));
  c.on('notification', (n) => {
    const li = el('li', 'theirs');
    li.append(el('span', 'who', n.title ?? 'notification'), el('span', 'text', n.message ?? ''));
    append($('notifications'), li);
    if (n.id) {
      c.ackNotification(n.id).catch(() => {});
    }
  });
  c.on('chat', (m) => {
    const li = el('li', 'theirs');
    li.append(el('span', 'room', `${m.clanId}`), el('span', 'who', m.userId), el('span', 'text', m.content));
    append($('clan-messages'), li);
  });
  c.on('error', (frame) => log('info', `error without request: ${frame.code} ${frame.message}`));
}

function connect() {
  if (client) {
    client.close();
  }
  everOpened = false;
  client = new GatewayClient($('url').value.trim() || '/ws', {
    token: () => $('token').value.trim() || null, // called again for each reconnect and token refresh
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
  window.gatewayDemo.client = client;
  wire(client);
  $('hint').hidden = true;
  client.connect().then(
    () => {
      const room = params.get('room');
      if (room && client.rooms.length === 0) {
        joinRoom(room);
      }
    },
    (err) => log('info', `connect gave up: ${describeError(err)}`));
}

// ---- notifications and clans -----------------------------------------------------------------

function renderNotifications() {
  const on = Boolean(client && client.notificationsSubscribed);
  $('notif-btn').textContent = on ? 'Unsubscribe' : 'Subscribe';
  $('notif-status').textContent = on ? 'subscribed' : 'not subscribed';
}

async function toggleNotifications() {
  if (!client) {
    return;
  }
  try {
    if (client.notificationsSubscribed) {
      const pending = client.unsubscribeNotifications();
      renderNotifications();
      await pending;
    }
    else {
      const pending = client.subscribeNotifications();
      renderNotifications();
      await pending;
    }
    $('notif-status').classList.remove('error');
  }
  catch (err) {
    $('notif-status').textContent = describeError(err);
    $('notif-status').classList.add('error');
    return;
  }
  renderNotifications();
}

async function subscribeClan(clanId) {
  const status = $('clan-status');
  status.classList.remove('error');
  try {
    await client.subscribeClanChat(clanId);
    status.textContent = `subscribed to clan ${clanId}`;
  }
  catch (err) {
    status.classList.add('error');
    status.textContent = err.code === 'forbidden'
      ? `Not allowed to join clan ${clanId}: the token's clans claim must list it (anonymous users have none).`
      : `Could not subscribe to ${clanId}: ${describeError(err)}`;
  }
}

async function sendClanChat(text) {
  const clanId = client.clans[client.clans.length - 1];
  const status = $('clan-status');
  if (!clanId) {
    status.textContent = 'Subscribe to a clan first.';
    return;
  }
  try {
    await client.sendChat(clanId, text);
    const li = el('li', 'mine');
    li.append(el('span', 'who', nick()), el('span', 'text', text));
    append($('clan-messages'), li);
  }
  catch (err) {
    status.classList.add('error');
    status.textContent = `Not sent: ${describeError(err)}`;
  }
}

// ---- wiring the page ---------------------------------------------------------------------------

function requireClient() {
  if (!client || client.state === 'closed') {
    showHint('Connect first.');
    return false;
  }
  return true;
}

function init() {
  window.gatewayDemo = { client: null };
  $('url').value = params.get('url') || resolveGatewayUrl('/ws');
  $('token').value = params.get('token') || '';
  $('nick').value = params.get('nick') || `guest-${Math.floor(Math.random() * 9000 + 1000)}`;
  if (params.get('room')) {
    $('room-input').value = params.get('room');
  }

  $('connect-form').addEventListener('submit', (e) => {
    e.preventDefault();
    connect();
  });
  $('disconnect-btn').addEventListener('click', () => client && client.close());
  $('ping-btn').addEventListener('click', () => {
    client.ping().catch((err) => log('info', `ping failed: ${describeError(err)}`));
  });
  $('join-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (requireClient()) {
      joinRoom($('room-input').value.trim());
    }
  });
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const room = $('chat-room').value;
    const text = $('chat-input').value.trim();
    if (!requireClient() || !text) {
      return;
    }
    if (!room) {
      showHint('Join a room first.');
      return;
    }
    $('chat-input').value = '';
    sendChat(room, text);
  });
  $('notif-btn').addEventListener('click', () => {
    if (requireClient()) {
      toggleNotifications();
    }
  });
  $('clan-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (requireClient()) {
      subscribeClan($('clan-input').value.trim());
    }
  });
  $('clan-chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('clan-chat-input').value.trim();
    if (requireClient() && text) {
      $('clan-chat-input').value = '';
      sendClanChat(text);
    }
  });
  $('clear-log').addEventListener('click', () => $('log').replaceChildren());
  window.addEventListener('online', () => client && client.reconnectNow());

  setState('closed');
  if (params.get('autoconnect') === '1') {
    connect();
  }
}

init();
