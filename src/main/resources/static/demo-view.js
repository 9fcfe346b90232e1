// DOM helpers of the demo page: building list items, keeping lists bounded and scrolled,
// and rendering the chips and selectors of rooms and clans from what the client holds.

export const $ = (id) => document.getElementById(id);

const MESSAGE_LIMIT = 200;

export function time(iso) {
  const date = iso ? new Date(iso) : new Date();
  return (Number.isNaN(date.getTime()) ? new Date() : date).toLocaleTimeString([], { hour12: false });
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** Appends to a list, keeps it at most `limit` long, and follows the bottom when it was there. */
export function append(list, li, limit = MESSAGE_LIMIT) {
  const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  list.appendChild(li);
  while (list.children.length > limit) {
    list.removeChild(list.firstChild);
  }
  if (stick) {
    list.scrollTop = list.scrollHeight;
  }
  return li;
}

/** A message bubble: who, when, text; `mine` for the user's own. */
export function bubble({ who, text, mine, at, context }) {
  const li = el('li', mine ? 'mine' : 'theirs');
  const meta = el('div', 'meta');
  if (context) {
    meta.append(el('span', 'context', context));
  }
  meta.append(el('span', 'who', who), el('time', 'at', time(at)));
  li.append(meta, el('div', 'text', text));
  return li;
}

/** A centred line about what happened (joined, left, reconnected). */
export function systemLine(text, data = {}) {
  const li = el('li', 'system', text);
  Object.assign(li.dataset, data);
  return li;
}

/** Marks a bubble as refused by the gateway, with the error's code and message under it. */
export function markFailed(li, err) {
  li.classList.remove('pending');
  li.classList.add('failed');
  li.append(el('div', 'error', `Not sent: ${describeError(err)}`));
}

export function describeError(err) {
  if (!err) {
    return 'unknown error';
  }
  return err.code ? `${err.code}: ${err.message}` : String(err.message || err);
}

/** Text of a message payload: its `text` field when it has one, else its JSON. */
export function payloadText(payload) {
  if (payload && typeof payload === 'object' && 'text' in payload) {
    return String(payload.text);
  }
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Renders chips (with a leave button each) and the matching <select> options for a set of
 * names; `info(name)` gives a chip's detail and whether it is confirmed by the server.
 */
export function renderChips({ list, select, names, prefix, emptyOption, info, onLeave }) {
  const current = select.value;
  list.replaceChildren();
  select.replaceChildren();
  for (const name of names) {
    const { detail, confirmed } = info(name);
    const li = el('li', confirmed ? null : 'pending');
    li.dataset.name = name;
    li.title = confirmed ? '' : 'joined again once connected';
    const leave = el('button', null, '×');
    leave.type = 'button';
    leave.title = `leave ${prefix}${name}`;
    leave.setAttribute('aria-label', `leave ${prefix}${name}`);
    leave.addEventListener('click', () => onLeave(name));
    li.append(el('span', 'name', `${prefix}${name}`));
    if (detail) {
      li.append(el('span', 'detail', detail));
    }
    li.append(leave);
    list.append(li);
    const option = el('option', null, `${prefix}${name}`);
    option.value = name;
    select.append(option);
  }
  if (names.length === 0) {
    const none = el('option', null, emptyOption);
    none.value = '';
    select.append(none);
  }
  select.disabled = names.length === 0;
  if (names.includes(current)) {
    select.value = current;
  }
}

/** Splits "a, b c" into ["a", "b", "c"]. */
export function words(text) {
  return text.split(/[\s,]+/).map((w) => w.trim()).filter(Boolean);
}
