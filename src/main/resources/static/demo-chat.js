// Rooms and clan chat of the demo page: joining, sending (a refused send shows its error
// under the message), typing indicators, and chips that show what the gateway confirmed.
import { $, append, bubble, describeError, markFailed, payloadText, plural, renderChips, systemLine } from './demo-view.js';

const TYPING_REPEAT_MS = 2000; // a typing user tells the clan again this often
const TYPING_IDLE_MS = 3000; // ... and stops after this long without a key press
const TYPING_SHOWN_MS = 6000; // someone else's typing shows at most this long without news

/**
 * Wires the rooms and clan panels to the page's client; returns render(), system(text)
 * and resynced(result) for the connection code, and join(room).
 */
export function wireChat({ client, requireOpen }) {
  const roomMembers = new Map(); // room -> members, as the gateway's last room_joined said
  const confirmedClans = new Set(); // clans the gateway confirmed on this connection
  const replayUpTo = new Map(); // 'room:<room>' | 'clan:<clanId>' -> offset of the last message a recovery replays
  const typers = new Map(); // userId -> timer hiding them
  let typingSentAt = 0;
  let typingIdle = null;
  let typingClan = null;

  function system(text, room) {
    append($('chat-messages'), systemLine(text, room ? { room } : {}));
  }

  function render() {
    const c = client();
    const open = c.state === 'open';
    renderChips({
      list: $('room-list'), select: $('chat-room'), names: c.rooms, prefix: '#', emptyOption: 'join a room first',
      info: (room) => ({
        confirmed: open && roomMembers.has(room),
        detail: open && roomMembers.has(room) ? plural(roomMembers.get(room), 'member') : '',
      }),
      onLeave: leave,
    });
    renderChips({
      list: $('clan-list'), select: $('clan-select'), names: c.clans, prefix: '', emptyOption: 'subscribe first',
      info: (clanId) => ({ confirmed: open && confirmedClans.has(clanId), detail: '' }), onLeave: unsubscribe,
    });
    $('send-btn').disabled = c.rooms.length === 0;
    $('clan-send-btn').disabled = c.clans.length === 0;
  }

  async function join(room) {
    const pending = client().joinRoom(room);
    render();
    try {
      const reply = await pending;
      system(`joined #${room}${reply.members !== undefined ? `: ${plural(reply.members, 'member')}` : ''}`, room);
      $('chat-room').value = room;
    }
    catch (err) {
      system(`could not join #${room}: ${describeError(err)}`, room);
    }
    render();
    if (client().rooms.includes(room)) {
      $('chat-room').value = room;
    }
  }

  async function leave(room) {
    const pending = client().leaveRoom(room);
    roomMembers.delete(room);
    render();
    try {
      await pending;
      system(`left #${room}`, room);
    }
    catch (err) {
      system(`leaving #${room}: ${describeError(err)}`, room);
    }
  }

  async function send(room, text) {
    const li = append($('chat-messages'), bubble({ who: 'you', text, mine: true, context: `#${room}` }));
    li.dataset.room = room;
    li.classList.add('pending');
    try {
      await client().sendToRoom(room, { text });
      li.classList.remove('pending');
      li.classList.add('sent');
    }
    catch (err) {
      markFailed(li, err);
    }
  }

  function resynced({ rooms, failures, recovered = {} }) {
    for (const room of rooms) {
      system(`rejoined #${room}`, room);
    }
    // With history on (the dev profile), a re-join recovers what was missed while away; when it
    // cannot, the application should reload the channel from its backend.
    for (const [channel, ok] of Object.entries(recovered)) {
      const [family, name] = channel.split(/:(.*)/s);
      const label = family === 'room' ? `#${name}` : `clan ${name}`;
      const line = append($(family === 'room' ? 'chat-messages' : 'clan-messages'), systemLine(ok
        ? `${label}: recovered, the messages missed while away are marked "recovered"`
        : `${label}: missed messages could not be recovered (history lost or too old): reload needed`,
      family === 'room' ? { room: name } : {}));
      line.classList.add(ok ? 'recovered-notice' : 'reload-needed');
    }
    for (const f of failures) {
      const what = f.room ? `#${f.room}` : f.clanId ?? 'notifications';
      system(`could not ${f.type.replace(/_/g, ' ')} ${what} again: ${f.code}: ${f.message}`, f.room);
    }
    render();
  }

  // ---- clans ---------------------------------------------------------------------------------

  function clanStatus(text, error = false) {
    const status = $('clan-status');
    status.textContent = text;
    status.classList.toggle('error', error);
  }

  async function subscribe(clanId) {
    const pending = client().subscribeClanChat(clanId);
    render();
    try {
      await pending;
      clanStatus(`Subscribed to ${clanId}. Typing shows to the other members.`);
      $('clan-select').value = clanId;
    }
    catch (err) {
      clanStatus(err.code === 'forbidden'
        ? `Not allowed in clan ${clanId}: ${err.message}. The token's clans claim must list it (pick clans above).`
        : `Could not subscribe to ${clanId}: ${describeError(err)}`, true);
    }
    render();
  }

  async function unsubscribe(clanId) {
    const pending = client().unsubscribeClanChat(clanId);
    render();
    try {
      await pending;
      clanStatus(`Unsubscribed from ${clanId}.`);
    }
    catch (err) {
      clanStatus(`Unsubscribing from ${clanId}: ${describeError(err)}`, true);
    }
  }

  function stopTyping() {
    clearTimeout(typingIdle);
    typingIdle = null;
    if (typingClan && client().state === 'open') {
      client().sendTyping(typingClan, false);
    }
    typingClan = null;
    typingSentAt = 0;
  }

  function typed() {
    const clanId = $('clan-select').value;
    if (!clanId || client().state !== 'open' || $('clan-chat-input').value === '') {
      return;
    }
    if (typingClan !== clanId || Date.now() - typingSentAt > TYPING_REPEAT_MS) {
      typingClan = clanId;
      typingSentAt = Date.now();
      client().sendTyping(clanId, true);
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function renderTypers() {
    const names = [...typers.keys()];
    $('typing').textContent = names.length === 0 ? ''
      : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
  }

  function someoneTyping({ clanId, userId, isTyping }) {
    clearTimeout(typers.get(userId));
    typers.delete(userId);
    if (isTyping) {
      typers.set(userId, setTimeout(() => {
        typers.delete(userId);
        renderTypers();
      }, TYPING_SHOWN_MS));
    }
    $('typing').dataset.clan = clanId;
    renderTypers();
  }

  async function sendClan(clanId, text) {
    stopTyping();
    const li = append($('clan-messages'), bubble({ who: 'you', text, mine: true, context: clanId }));
    li.classList.add('pending');
    try {
      await client().sendChat(clanId, text);
      li.classList.remove('pending');
      li.classList.add('sent');
    }
    catch (err) {
      markFailed(li, err);
    }
  }

  // ---- events --------------------------------------------------------------------------------

  const c = client();
  const replayed = (channel, offset) => typeof offset === 'number' && offset <= (replayUpTo.get(channel) ?? 0);
  c.on('room_message', (m) => {
    const recovered = replayed(`room:${m.room}`, m.offset);
    const li = append($('chat-messages'), bubble({ who: m.from, text: payloadText(m.payload), at: m.timestamp,
      context: `#${m.room}${recovered ? ' · recovered' : ''}` }));
    li.dataset.room = m.room;
    li.dataset.from = m.from;
    li.classList.toggle('recovered', recovered);
  });
  c.on('chat', (m) => {
    someoneTyping({ clanId: m.clanId, userId: m.userId, isTyping: false });
    const recovered = replayed(`clan:${m.clanId}`, m.offset);
    const li = append($('clan-messages'), bubble({ who: m.userId, text: m.content, at: m.timestamp,
      context: `${m.clanId}${recovered ? ' · recovered' : ''}` }));
    li.dataset.from = m.userId;
    li.classList.toggle('recovered', recovered);
  });
  c.on('typing', someoneTyping);
  // Replies to the client's own re-joins after a reconnect come here too.
  c.on('message', (frame) => {
    if ((frame.type === 'room_joined' || frame.type === 'subscription_confirmed') && frame.recovered === true) {
      replayUpTo.set(frame.type === 'room_joined' ? `room:${frame.room}` : `clan:${frame.clanId}`, frame.offset);
    }
    if (frame.type === 'room_joined') {
      roomMembers.set(frame.room, frame.members);
      render();
    }
    else if (frame.type === 'subscription_confirmed' && frame.service === 'clan_chat') {
      if (frame.status === 'subscribed') {
        confirmedClans.add(frame.clanId);
      }
      else {
        confirmedClans.delete(frame.clanId);
      }
      render();
    }
  });
  c.on('state', (state) => {
    if (state !== 'open') {
      roomMembers.clear();
      confirmedClans.clear();
      typers.forEach((timer) => clearTimeout(timer));
      typers.clear();
      renderTypers();
      typingClan = null;
    }
  });

  const submit = (id, handler) => $(id).addEventListener('submit', (e) => {
    e.preventDefault();
    handler();
  });
  submit('join-form', () => requireOpen() && join($('room-input').value.trim()));
  submit('chat-form', () => {
    const text = $('chat-input').value.trim();
    const room = $('chat-room').value;
    if (text && room && requireOpen()) {
      $('chat-input').value = '';
      send(room, text);
    }
  });
  submit('clan-form', () => requireOpen() && subscribe($('clan-input').value.trim()));
  submit('clan-chat-form', () => {
    const text = $('clan-chat-input').value.trim();
    const clanId = $('clan-select').value;
    if (text && clanId && requireOpen()) {
      $('clan-chat-input').value = '';
      sendClan(clanId, text);
    }
  });
  $('clan-chat-input').addEventListener('input', typed);
  $('clan-chat-input').addEventListener('blur', stopTyping);

  return { render, system, resynced, join };
}
