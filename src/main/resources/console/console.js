// The operator console: reads /actuator/cluster every few seconds and acts through the
// server API (/api/v1), both with the management credential. No build step, no framework.
// ?gateway=<url> points it at a gateway on another origin (allowed there by
// gateway.websocket.allowed-origins); ?api=<url> at the API when Actuator is on a
// management port of its own.
import uPlot from './vendor/uplot/dist/uPlot.esm.js';

const TOKEN_KEY = 'wsgateway.console.token';
const params = new URLSearchParams(location.search);
const here = location.origin + location.pathname.replace(/console\/[^/]*$/, '');
const gatewayBase = withSlash(params.get('gateway') ?? here);
const actuatorBase = gatewayBase + 'actuator/';
const apiBase = withSlash(params.get('api') ?? gatewayBase) + 'api/v1/';

const $ = (selector) => document.querySelector(selector);
let credential = null;           // the Authorization header value, in memory only
let timer = null;
let paused = false;
let lastCluster = null;
let lookedUpUser = null;
const charts = new Map();

function withSlash(url) {
  return url.endsWith('/') ? url : url + '/';
}

function el(tag, text, attributes = {}) {
  const element = document.createElement(tag);
  if (text !== undefined && text !== null) element.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

function row(cells) {
  const tr = el('tr');
  for (const cell of cells) {
    const td = el('td');
    if (cell instanceof Node) td.append(cell); else td.textContent = cell ?? '';
    tr.append(td);
  }
  return tr;
}

// ---- access ---------------------------------------------------------------------------

async function call(url, options = {}) {
  const headers = { 'X-Requested-With': 'XMLHttpRequest', ...(options.headers ?? {}) };
  if (credential) headers.Authorization = credential;
  const response = await fetch(url, { ...options, headers, credentials: 'omit', cache: 'no-store' });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  return { status: response.status, ok: response.ok, body };
}

async function signIn(event) {
  event?.preventDefault();
  const token = $('#token').value.trim();
  const user = $('#user').value;
  credential = token ? 'Bearer ' + token
    : 'Basic ' + btoa(String.fromCodePoint(...new TextEncoder().encode(user + ':' + $('#password').value)));
  $('#password').value = '';
  const answer = await call(actuatorBase + 'cluster').catch((failure) => ({ status: 0, body: String(failure) }));
  if (answer.status !== 200) {
    credential = null;
    $('#login-error').textContent = answer.status === 401 ? 'Not signed in: wrong user, password or token.'
      : `The gateway answered ${answer.status || 'nothing'}.`;
    return;
  }
  if (token && $('#keep').checked) localStorage.setItem(TOKEN_KEY, token);
  $('#token').value = '';
  $('#login-error').textContent = '';
  $('#login').hidden = true;
  $('#console').hidden = false;
  $('#pause').hidden = false;
  $('#sign-out').hidden = false;
  render(answer.body);
  schedule(answer.body.sampleIntervalSeconds);
}

function signOut() {
  credential = null;
  localStorage.removeItem(TOKEN_KEY);
  clearInterval(timer);
  location.reload();
}

function schedule(seconds) {
  clearInterval(timer);
  timer = setInterval(refresh, Math.max(1, Math.min(seconds || 5, 5)) * 1000);
}

async function refresh() {
  if (paused || !credential) return;
  const answer = await call(actuatorBase + 'cluster').catch(() => null);
  if (!answer) { $('#status').textContent = 'gateway unreachable'; return; }
  if (answer.status === 401) { signOut(); return; }
  if (answer.ok) render(answer.body);
  if (lookedUpUser) lookUpUser(lookedUpUser);
}

// ---- the cluster ----------------------------------------------------------------------

function render(cluster) {
  lastCluster = cluster;
  const nodes = cluster.nodes;
  $('#status').textContent = `${nodes.length} node${nodes.length === 1 ? '' : 's'}, `
    + `${nodes.reduce((sum, node) => sum + node.latest.connections, 0)} connections · via ${cluster.node}`
    + ` · ${new Date().toLocaleTimeString()}`;
  const body = $('#nodes tbody');
  body.replaceChildren(...nodes.map((node) => {
    const latest = node.latest;
    const level = el('span', latest.level, { class: 'level-' + latest.level });
    const changes = (latest.history ?? []).slice(-3).reverse()
      .map((change) => `${new Date(change.at).toLocaleTimeString()} ${change.from}→${change.to}`).join(', ');
    const tr = row([node.node, latest.connections, latest.users, Math.round(latest.load * 100) + ' %', level,
      latest.inPerSecond.toFixed(1), latest.outPerSecond.toFixed(1),
      latest.busP99Millis != null ? latest.busP99Millis.toFixed(1) + ' ms' : '–', changes]);
    tr.dataset.node = node.node;
    return tr;
  }));
  renderCharts(cluster);
  renderLargest('#rooms', cluster.rooms, 'room');
  renderLargest('#clans', cluster.clans, 'clan');
  renderUpstreams(nodes);
}

function renderLargest(selector, entries, kind) {
  $(selector + ' tbody').replaceChildren(...entries.map((entry) => {
    const name = kind === 'room' ? el('button', entry.name, { type: 'button', class: 'link' }) : entry.name;
    if (kind === 'room') name.addEventListener('click', () => showPresence(entry.name));
    const perNode = Object.entries(entry.nodes).map(([node, count]) => `${node}: ${count}`).join(', ');
    return row([name, entry.members, perNode]);
  }));
}

async function showPresence(room) {
  const answer = await call(apiBase + 'rooms/' + encodeURIComponent(room) + '/presence');
  const panel = $('#presence');
  panel.hidden = false;
  panel.querySelector('h3').textContent = answer.ok ? `In ${room}: ${answer.body.members} connection(s)` : problem(answer);
  panel.querySelector('ul').replaceChildren(...(answer.ok ? answer.body.users : [])
    .map((user) => el('li', `${user.userId} (${user.connections})`)));
}

function renderUpstreams(nodes) {
  const rows = [];
  for (const node of nodes) {
    for (const route of node.latest.upstreams ?? []) {
      for (const target of route.targets ?? []) {
        rows.push(row([node.node, route.id, target.name ?? target.url, target.healthy === false ? 'down' : 'up',
          target.circuit ?? target.circuitBreaker ?? '', target.connections ?? '']));
      }
    }
  }
  $('#upstreams tbody').replaceChildren(...(rows.length ? rows : [row(['no upstream routes'])]));
}

// ---- charts (uPlot) -------------------------------------------------------------------

const PALETTE = ['#0b5cad', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#0a7a8a', '#bc4c00', '#57606a'];

function renderCharts(cluster) {
  const select = $('#chart-node');
  const names = cluster.nodes.map((node) => node.node);
  if ([...select.options].map((option) => option.value).join() !== names.join()) {
    const chosen = select.value;
    select.replaceChildren(...names.map((name) => el('option', name, { value: name })));
    if (names.includes(chosen)) select.value = chosen;
  }
  const chosen = cluster.nodes.find((node) => node.node === select.value) ?? cluster.nodes[0];
  const times = [...new Set(cluster.nodes.flatMap((node) => node.series.at.map((at) => Math.round(at / 1000))))]
    .sort((a, b) => a - b);
  const align = (node, values) => {
    const byTime = new Map(node.series.at.map((at, index) => [Math.round(at / 1000), values[index]]));
    return times.map((time) => byTime.get(time) ?? null);
  };
  const perNode = (pick) => cluster.nodes.map((node) => ({ label: node.node, values: align(node, pick(node.series)) }));
  chart('connections', 'Connections', perNode((series) => series.connections));
  chart('in', 'Messages in per second', perNode((series) => series.inPerSecond));
  chart('out', 'Messages out per second', perNode((series) => series.outPerSecond));
  chart('bus', 'Bus round trip p99 (ms)', perNode((series) => series.busP99Millis));
  const byKey = (columns) => Object.entries(columns).map(([key, values]) => ({ label: key, values: align(chosen, values) }));
  chart('handshakes', `Handshakes by outcome, ${chosen?.node ?? ''}, per interval`, chosen ? byKey(chosen.series.handshakes) : []);
  chart('closes', `Closes by code, ${chosen?.node ?? ''}, per interval`, chosen ? byKey(chosen.series.closes) : []);

  function chart(id, title, lines) {
    const data = [times, ...lines.map((line) => line.values)];
    const shape = lines.map((line) => line.label).join('|');
    const known = charts.get(id);
    if (known && known.shape === shape) {
      known.plot.setData(data);
      return;
    }
    known?.plot.destroy();
    let box = document.getElementById('chart-' + id);
    if (!box) {
      box = el('div', null, { id: 'chart-' + id, class: 'chart' });
      box.append(el('h3', title));
      $('#charts').append(box);
    }
    box.querySelector('h3').textContent = title;
    const plot = new uPlot({
      width: Math.max(280, box.clientWidth || 420),
      height: 180,
      legend: { show: true },
      scales: { x: { time: true } },
      series: [{}, ...lines.map((line, index) => ({ label: line.label, stroke: PALETTE[index % PALETTE.length],
        width: 1.5, spanGaps: true }))],
      axes: [{}, { size: 50 }],
    }, data, box);
    charts.set(id, { shape, plot });
  }
}

window.addEventListener('resize', () => {
  for (const [id, { plot }] of charts) {
    const box = document.getElementById('chart-' + id);
    plot.setSize({ width: Math.max(280, box.clientWidth), height: 180 });
  }
});

// ---- look-ups -------------------------------------------------------------------------

async function lookUpUser(userId) {
  lookedUpUser = userId;
  const answer = await call(apiBase + 'users/' + encodeURIComponent(userId) + '/connections');
  const body = $('#user-connections tbody');
  if (!answer.ok) { body.replaceChildren(row([problem(answer)])); return; }
  if (answer.body.connections.length === 0) { body.replaceChildren(row([`${userId} has no connection`])); return; }
  body.replaceChildren(...answer.body.connections.map((connection) => {
    const open = el('button', 'details', { type: 'button', class: 'link' });
    open.addEventListener('click', () => showConnection(connection.connectionId));
    const tr = row([connection.connectionId, connection.node, new Date(connection.connectedAt).toLocaleTimeString(),
      connection.rooms.join(', '), open]);
    tr.dataset.connection = connection.connectionId;
    return tr;
  }));
}

async function showConnection(connectionId) {
  const answer = await call(apiBase + 'connections/' + encodeURIComponent(connectionId));
  const panel = $('#connection-details');
  panel.hidden = false;
  const list = panel.querySelector('dl');
  if (!answer.ok) { list.replaceChildren(el('dt', 'problem'), el('dd', problem(answer))); return; }
  const details = answer.body;
  list.replaceChildren(...Object.entries(details).flatMap(([name, value]) =>
    [el('dt', name), el('dd', Array.isArray(value) ? value.join(', ') : value, { 'data-field': name })]));
  panel.dataset.connection = details.connectionId;
  panel.dataset.user = details.userId;
}

// ---- actions ----------------------------------------------------------------------------

async function act(description, method, path, body) {
  if (!confirm(description + '?')) return;
  const answer = await call(apiBase + path, body === undefined ? { method }
    : { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    .catch((failure) => ({ status: 0, body: String(failure) }));
  $('#action-result').textContent = `${description}: ${answer.status || 'no answer'}`
    + (answer.body ? '\n' + JSON.stringify(answer.body, null, 2) : '');
  if (lookedUpUser) lookUpUser(lookedUpUser);
}

function send(event) {
  event.preventDefault();
  const kind = $('#send-kind').value;
  const target = $('#send-target').value.trim();
  const text = $('#send-text').value;
  const id = encodeURIComponent(target);
  if (kind !== 'broadcast' && !target) { $('#action-result').textContent = 'Name a target.'; return; }
  switch (kind) {
    case 'user': return act(`Send a notification to user ${target}`, 'POST', `users/${id}/messages`,
      { title: 'From the operators', message: text });
    case 'room': return act(`Send to room ${target}`, 'POST', `rooms/${id}/messages`, { from: 'operators', payload: text });
    case 'clan': return act(`Send to clan ${target}`, 'POST', `clans/${id}/messages`, { from: 'operators', content: text });
    default: return act('Broadcast to every connection', 'POST', 'broadcast', { from: 'operators', payload: text });
  }
}

function disconnect(event) {
  event.preventDefault();
  const kind = $('#close-kind').value;
  const target = $('#close-target').value.trim();
  const query = new URLSearchParams({ code: $('#close-code').value });
  if ($('#close-reason').value) query.set('reason', $('#close-reason').value);
  const what = kind === 'user' ? `every connection of user ${target}` : `connection ${target}`;
  const path = (kind === 'user' ? 'users/' + encodeURIComponent(target) + '/connections'
    : 'connections/' + encodeURIComponent(target)) + '?' + query;
  return act(`Disconnect ${what} with ${$('#close-code').value}`, 'DELETE', path);
}

function problem(answer) {
  if (answer.body && typeof answer.body === 'object') {
    return `${answer.status} ${answer.body.title ?? ''}: ${answer.body.detail ?? ''}`;
  }
  return `${answer.status} ${answer.body ?? ''}`;
}

// ---- wiring ---------------------------------------------------------------------------

$('#login-form').addEventListener('submit', signIn);
$('#sign-out').addEventListener('click', signOut);
$('#pause').addEventListener('click', () => {
  paused = !paused;
  $('#pause').textContent = paused ? 'Resume' : 'Pause';
  if (!paused) refresh();
});
$('#chart-node').addEventListener('change', () => lastCluster && renderCharts(lastCluster));
$('#lookup-user-form').addEventListener('submit', (event) => {
  event.preventDefault();
  lookUpUser($('#lookup-user').value.trim());
});
$('#lookup-connection-form').addEventListener('submit', (event) => {
  event.preventDefault();
  showConnection($('#lookup-connection').value.trim());
});
$('#send-form').addEventListener('submit', send);
$('#close-form').addEventListener('submit', disconnect);
$('#details-notify').addEventListener('click', () => {
  $('#send-kind').value = 'user';
  $('#send-target').value = $('#connection-details').dataset.user;
  $('#send-text').focus();
});
$('#details-close').addEventListener('click', () => {
  $('#close-kind').value = 'connection';
  $('#close-target').value = $('#connection-details').dataset.connection;
  $('#close-code').focus();
});

const kept = localStorage.getItem(TOKEN_KEY);
if (kept) {
  $('#token').value = kept;
  $('#keep').checked = true;
  signIn();
}
