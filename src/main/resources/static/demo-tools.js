// Notifications and protocol tools of the demo page: subscribing, a test notification sent
// through the server API with the dev profile's API key, and echo, status and global broadcast
// with their replies (or the gateway's error) in the panel's list.
import { $, append, describeError, el, time } from './demo-view.js';

/**
 * Wires the notifications and protocol panels to the page's client; returns
 * renderNotifications() for the connection code and tool(kind, label, text) for events.
 */
export function wireTools({ client, requireOpen, devConfig }) {
  // ---- notifications ---------------------------------------------------------------------------

  function renderNotifications() {
    const on = client().notificationsSubscribed;
    $('notif-btn').textContent = on ? 'Unsubscribe' : 'Subscribe';
    const status = $('notif-status');
    if (!status.classList.contains('error')) {
      status.textContent = !on ? 'not subscribed' : client().state === 'open' ? 'subscribed' : 'subscribed again once connected';
    }
    $('test-notif-btn').disabled = !devConfig() || !devConfig().apiKey;
    $('test-notif-btn').title = devConfig() ? '' : 'needs the dev profile, whose API key the page uses';
  }

  async function setNotifications(on) {
    const status = $('notif-status');
    status.classList.remove('error');
    const pending = on ? client().subscribeNotifications() : client().unsubscribeNotifications();
    renderNotifications();
    try {
      await pending;
    }
    catch (err) {
      status.classList.add('error');
      status.textContent = describeError(err);
    }
    renderNotifications();
  }

  async function sendTestNotification() {
    if (!requireOpen()) {
      return;
    }
    if (!client().notificationsSubscribed) {
      await setNotifications(true);
    }
    const user = client().userId;
    const path = `api/v1/users/${encodeURIComponent(user)}/messages`;
    const line = $('api-call');
    line.hidden = false;
    line.classList.remove('error');
    line.textContent = `POST /${path} …`;
    try {
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-API-Key': devConfig().apiKey },
        body: JSON.stringify({ title: 'Test notification', message: `Sent at ${time()} through the server API` }),
      });
      const body = await response.json().catch(() => ({}));
      line.textContent = `POST /${path} (X-API-Key) → ${response.status}${body.id ? ` {"id":"${body.id}"}` : body.detail ? ` ${body.detail}` : ''}`;
      line.classList.toggle('error', !response.ok);
    }
    catch (err) {
      line.textContent = `POST /${path} failed: ${describeError(err)}`;
      line.classList.add('error');
    }
  }

  // ---- protocol tools --------------------------------------------------------------------------

  function tool(kind, label, text, failed = false) {
    const li = el('li', `tool ${failed ? 'failed' : ''}`);
    li.dataset.kind = kind;
    li.append(el('span', 'label', `${kind} ${label}`), el('code', 'body', text));
    return append($('tool-output'), li);
  }

  async function runTool(kind, label, run, render) {
    if (!requireOpen()) {
      return;
    }
    try {
      tool(kind, label, render(await run()));
    }
    catch (err) {
      tool(kind, 'failed', describeError(err), true);
    }
  }

  function parseLoose(text) {
    try {
      return JSON.parse(text);
    }
    catch {
      return text;
    }
  }

  function statusText(s) {
    const subscriptions = (s.subscriptions ?? []).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    return `user ${s.userId} on ${s.node}, rooms [${(s.rooms ?? []).join(', ')}], subscriptions [${subscriptions.join(', ')}]`;
  }

  $('notif-btn').addEventListener('click', () => requireOpen() && setNotifications(!client().notificationsSubscribed));
  $('test-notif-btn').addEventListener('click', sendTestNotification);
  const submit = (id, handler) => $(id).addEventListener('submit', (e) => {
    e.preventDefault();
    handler();
  });
  submit('echo-form', () => runTool('echo', 'reply', () => client().echo(parseLoose($('echo-input').value)),
    (reply) => JSON.stringify(reply.payload)));
  submit('broadcast-form', () => runTool('broadcast', 'sent',
    () => client().request({ type: 'broadcast', payload: $('broadcast-input').value }),
    () => 'acknowledged: every connection receives it'));
  $('status-btn').addEventListener('click', () => runTool('status', 'reply', () => client().status(), statusText));

  return { renderNotifications, tool };
}
