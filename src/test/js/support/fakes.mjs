// Deterministic stand-ins for what GatewayClient takes from its environment: a clock with
// timers, a random source and a WebSocket whose "server side" the test drives.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const CLIENT_SOURCE = resolve(here, '../../../main/resources/static/gateway-client.js');

/**
 * Imports the very file the gateway serves. It is a `.js` ES module with no package.json
 * beside it, which Node 20 would read as CommonJS, so it is imported from an `.mjs` copy.
 */
export async function loadClient() {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-client-'));
  const copy = join(dir, 'gateway-client.mjs');
  copyFileSync(CLIENT_SOURCE, copy);
  return import(pathToFileURL(copy).href);
}

/** Timers that run only when the test advances the clock. */
export class FakeClock {
  constructor() {
    this.now = 0;
    this.timers = new Map();
    this.nextId = 1;
    this.setTimeout = (fn, ms) => {
      const id = this.nextId++;
      this.timers.set(id, { at: this.now + Math.max(0, ms ?? 0), fn, ms });
      return id;
    };
    this.clearTimeout = (id) => {
      this.timers.delete(id);
    };
  }

  /** Delays (ms) of the timers currently pending, in creation order. */
  pendingDelays() {
    return [...this.timers.values()].map((t) => t.ms);
  }

  /** Moves the clock forward, running due timers in time order. */
  advance(ms) {
    const target = this.now + ms;
    for (;;) {
      let nextId = null;
      let next = null;
      for (const [id, t] of this.timers) {
        if (t.at <= target && (next === null || t.at < next.at)) {
          nextId = id;
          next = t;
        }
      }
      if (next === null) {
        break;
      }
      this.timers.delete(nextId);
      this.now = next.at;
      next.fn();
    }
    this.now = target;
  }
}

/** Random numbers from a list, repeating its last value when used up. */
export function sequence(...values) {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}

/**
 * A WebSocket class whose instances record what the client sends; the test plays
 * the gateway with accept(), serverSend() and serverClose().
 */
export function fakeWebSocketClass() {
  const instances = [];
  class FakeWebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    constructor(url) {
      this.url = url;
      this.readyState = FakeWebSocket.CONNECTING;
      this.sent = [];
      this.closedWith = null;
      this.onopen = null;
      this.onmessage = null;
      this.onclose = null;
      this.onerror = null;
      instances.push(this);
    }

    /** Messages the client sent, parsed. */
    get frames() {
      return this.sent.map((s) => JSON.parse(s));
    }

    /** The last frame sent by the client. */
    get lastFrame() {
      return JSON.parse(this.sent[this.sent.length - 1]);
    }

    send(data) {
      if (this.readyState !== FakeWebSocket.OPEN) {
        throw new Error('InvalidStateError: not open');
      }
      this.sent.push(data);
    }

    close(code, reason) {
      if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
        throw new Error('InvalidAccessError: bad close code ' + code);
      }
      this.closedWith = { code, reason };
      this.readyState = FakeWebSocket.CLOSING;
    }

    // ---- the test's side ----

    /** Completes the handshake and sends the gateway's first frame. */
    accept(connected = {}) {
      this.readyState = FakeWebSocket.OPEN;
      this.onopen?.({ type: 'open' });
      this.serverSend({
        type: 'connected', connectionId: `conn-${instances.indexOf(this) + 1}`, userId: 'u1',
        message: 'welcome', heartbeatIntervalMs: 30000, ...connected,
      });
    }

    serverSend(frame) {
      this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
    }

    /** Replies to the last frame the client sent (or the given one) with the same id. */
    reply(fields, to = this.lastFrame) {
      this.serverSend({ ...fields, id: to.id });
    }

    serverClose(code = 1006, reason = '') {
      this.readyState = FakeWebSocket.CLOSED;
      this.onerror?.({ type: 'error' });
      this.onclose?.({ code, reason, wasClean: code !== 1006 });
    }
  }
  return { FakeWebSocket, instances };
}

/** Lets pending promise callbacks run. */
export function flush() {
  return new Promise((resolve) => setImmediate(resolve));
}
