// Unit tests of gateway-client.js: backoff, the state machine, request/reply, resync and
// heartbeat, with a fake WebSocket, fake timers and a fixed random source.
// Run: node --test src/test/js/
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

import { FakeClock, fakeWebSocketClass, flush, loadClient, sequence } from './support/fakes.mjs';

const { GatewayClient, GatewayError, computeBackoffDelay, resolveGatewayUrl, CloseCodes } = await loadClient();

describe('computeBackoffDelay', () => {
  const noJitter = { initialDelayMs: 500, maxDelayMs: 30000, jitter: false };

  it('fixed strategy waits the initial delay every time', () => {
    const r = { ...noJitter, strategy: 'fixed' };
    assert.deepEqual([1, 2, 3, 10].map((n) => computeBackoffDelay(n, r)), [500, 500, 500, 500]);
  });

  it('linear strategy grows by the initial delay per attempt', () => {
    const r = { ...noJitter, strategy: 'linear' };
    assert.deepEqual([1, 2, 3, 4].map((n) => computeBackoffDelay(n, r)), [500, 1000, 1500, 2000]);
  });

  it('exponential strategy doubles by default and honours another factor', () => {
    const r = { ...noJitter, strategy: 'exponential' };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => computeBackoffDelay(n, r)), [500, 1000, 2000, 4000, 8000]);
    assert.deepEqual([1, 2, 3].map((n) => computeBackoffDelay(n, { ...r, factor: 3 })), [500, 1500, 4500]);
  });

  it('never exceeds the maximum delay, even for huge attempt numbers', () => {
    const r = { ...noJitter, strategy: 'exponential', maxDelayMs: 5000 };
    assert.equal(computeBackoffDelay(7, r), 5000);
    assert.equal(computeBackoffDelay(5000, r), 5000);
    assert.equal(computeBackoffDelay(100, { ...r, strategy: 'linear' }), 5000);
  });

  it('full jitter draws uniformly below the capped delay', () => {
    const r = { strategy: 'exponential', initialDelayMs: 1000, maxDelayMs: 10000, jitter: true };
    assert.equal(computeBackoffDelay(3, r, () => 0), 0);
    assert.equal(computeBackoffDelay(3, r, () => 0.5), 2000);
    assert.equal(computeBackoffDelay(3, r, () => 0.999), 3996);
    assert.equal(computeBackoffDelay(20, r, () => 0.25), 2500); // jitter applies to the capped value
  });

  it('uses the documented defaults: exponential from 500 ms, capped at 30 s, jittered', () => {
    assert.equal(computeBackoffDelay(1, {}, () => 0.5), 250);
    assert.equal(computeBackoffDelay(2, {}, () => 0.5), 500);
    assert.equal(computeBackoffDelay(50, {}, () => 0.5), 15000);
  });

  it('rejects an unknown strategy', () => {
    assert.throws(() => computeBackoffDelay(1, { strategy: 'random' }), /unknown reconnect strategy/);
    assert.throws(() => new GatewayClient('ws://h/ws', { WebSocket: class {}, reconnect: { strategy: 'nope' } }), TypeError);
  });
});

describe('resolveGatewayUrl', () => {
  it('keeps absolute ws and wss URLs', () => {
    assert.equal(resolveGatewayUrl('wss://example.com/ws'), 'wss://example.com/ws');
  });

  it('resolves a path against the page, http to ws and https to wss', () => {
    assert.equal(resolveGatewayUrl('/ws', { href: 'http://localhost:8080/index.html' }), 'ws://localhost:8080/ws');
    assert.equal(resolveGatewayUrl('/ws', { href: 'https://gw.example.com/app/' }), 'wss://gw.example.com/ws');
  });

  it('refuses a relative URL without a page', () => {
    assert.throws(() => resolveGatewayUrl('/ws', undefined), /needs a page location/);
  });
});

/** A client wired to fakes; jitter off unless a test asks, so delays are exact. */
function setup(options = {}) {
  const clock = new FakeClock();
  const { FakeWebSocket, instances } = fakeWebSocketClass();
  const events = [];
  const client = new GatewayClient('ws://gw.test/ws', {
    WebSocket: FakeWebSocket,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: () => clock.now,
    random: () => 0.5,
    heartbeat: false,
    ...options,
    reconnect: options.reconnect === false ? false
      : { strategy: 'exponential', initialDelayMs: 100, maxDelayMs: 1000, jitter: false, ...(options.reconnect ?? {}) },
  });
  for (const name of ['state', 'close', 'reconnecting', 'open', 'resync', 'latency']) {
    client.on(name, (...args) => events.push([name, ...args]));
  }
  const states = () => events.filter((e) => e[0] === 'state').map((e) => e[1]);
  const socket = () => instances[instances.length - 1];
  return { client, clock, instances, events, states, socket };
}

describe('GatewayClient connection state machine', () => {
  it('goes closed -> connecting -> open on the connected frame and resolves connect()', async () => {
    const { client, states, socket } = setup({ token: 'abc' });
    assert.equal(client.state, 'closed');
    const connecting = client.connect();
    assert.equal(client.state, 'connecting');
    assert.equal(socket().url, 'ws://gw.test/ws?access_token=abc');
    socket().accept({ connectionId: 'k1', userId: 'alice' });
    const connected = await connecting;
    assert.equal(connected.connectionId, 'k1');
    assert.equal(client.state, 'open');
    assert.equal(client.userId, 'alice');
    assert.deepEqual(states(), ['connecting', 'open']);
  });

  it('stays connecting until the connected frame, not merely the socket open', () => {
    const { client, socket } = setup();
    client.connect();
    socket().readyState = 1;
    socket().onopen?.({});
    assert.equal(client.state, 'connecting');
  });

  it('connects without a token parameter when the token is absent (anonymous)', () => {
    const { client, socket } = setup({ token: null });
    client.connect();
    assert.equal(socket().url, 'ws://gw.test/ws');
  });

  it('calls a token function, sync or async, on every connect and encodes its value', async () => {
    let n = 0;
    const { client, clock, socket } = setup({ token: async () => `t ${++n}&x` });
    client.connect();
    await flush();
    assert.equal(socket().url, 'ws://gw.test/ws?access_token=t+1%26x');
    socket().accept();
    socket().serverClose(1006);
    clock.advance(100);
    await flush();
    assert.equal(socket().url, 'ws://gw.test/ws?access_token=t+2%26x');
  });

  it('reconnects with exponential backoff after an abnormal close and counts attempts', async () => {
    const { client, clock, events, states, instances, socket } = setup();
    client.connect();
    socket().accept();
    socket().serverClose(1006);
    assert.equal(client.state, 'reconnecting');
    assert.deepEqual(events.filter((e) => e[0] === 'reconnecting').map((e) => e[1]),
      [{ attempt: 1, delayMs: 100, code: 1006, reason: '' }]);
    clock.advance(99);
    assert.equal(instances.length, 1);
    clock.advance(1);
    assert.equal(instances.length, 2);
    socket().serverClose(1006); // handshake refused: still reconnecting, next delay doubles
    assert.equal(client.reconnectAttempt, 2);
    assert.deepEqual(clock.pendingDelays(), [200]);
    clock.advance(200);
    socket().serverClose(1006);
    assert.deepEqual(clock.pendingDelays(), [400]);
    clock.advance(400);
    socket().accept();
    assert.equal(client.state, 'open');
    assert.equal(client.reconnectAttempt, 0);
    assert.equal(client.reconnectCount, 1);
    assert.deepEqual(states(), ['connecting', 'open', 'reconnecting', 'open']);
    const opens = events.filter((e) => e[0] === 'open');
    assert.deepEqual(opens.map((e) => e[1].reconnected), [false, true]);
  });

  it('starts the backoff over after a connection succeeded', () => {
    const { client, clock, socket } = setup();
    client.connect();
    socket().accept();
    socket().serverClose(1006);
    clock.advance(100);
    socket().serverClose(1006);
    clock.advance(200);
    socket().accept();
    socket().serverClose(1011);
    assert.deepEqual(clock.pendingDelays(), [100]);
  });

  it('applies full jitter to the reconnect delay with the injected random source', () => {
    const { client, clock, events, socket } = setup({
      random: sequence(0.25, 0.75), reconnect: { jitter: true, initialDelayMs: 1000, maxDelayMs: 60000 } });
    client.connect();
    socket().accept();
    socket().serverClose(1006);
    assert.deepEqual(clock.pendingDelays(), [250]);
    clock.advance(250);
    socket().serverClose(1006);
    assert.deepEqual(clock.pendingDelays(), [1500]);
    assert.deepEqual(events.filter((e) => e[0] === 'reconnecting').map((e) => e[1].delayMs), [250, 1500]);
  });

  it('uses fixed and linear strategies for the delays it schedules', () => {
    for (const [strategy, expected] of [['fixed', [100, 100, 100]], ['linear', [100, 200, 300]]]) {
      const { client, clock, socket } = setup({ reconnect: { strategy } });
      client.connect();
      socket().accept();
      const delays = [];
      for (let i = 0; i < 3; i++) {
        socket().serverClose(1006);
        delays.push(...clock.pendingDelays());
        clock.advance(delays[delays.length - 1]);
      }
      assert.deepEqual(delays, expected, strategy);
    }
  });

  it('caps the delay at maxDelayMs', () => {
    const { client, clock, socket } = setup({ reconnect: { maxDelayMs: 250 } });
    client.connect();
    socket().accept();
    const delays = [];
    for (let i = 0; i < 4; i++) {
      socket().serverClose(1006);
      delays.push(...clock.pendingDelays());
      clock.advance(1000);
    }
    assert.deepEqual(delays, [100, 200, 250, 250]);
  });

  it('gives up after maxAttempts failed attempts: closed, and connect() rejects', async () => {
    const { client, clock, instances, socket, events } = setup({ reconnect: { maxAttempts: 2 } });
    const connecting = client.connect();
    socket().serverClose(1006); // first connect fails
    clock.advance(100);
    socket().serverClose(1006);
    clock.advance(200);
    socket().serverClose(1006);
    assert.equal(client.state, 'closed');
    assert.equal(instances.length, 3);
    await assert.rejects(connecting, (err) => err instanceof GatewayError && err.code === 'gave_up');
    const lastClose = events.filter((e) => e[0] === 'close').pop()[1];
    assert.equal(lastClose.willReconnect, false);
    clock.advance(100000);
    assert.equal(instances.length, 3);
  });

  for (const code of [4009, 4008, 1008]) {
    it(`does not reconnect after close code ${code}`, async () => {
      const { client, clock, instances, socket, states, events } = setup();
      client.connect();
      socket().accept();
      const pending = client.echo('x');
      socket().serverClose(code, 'bye');
      assert.equal(client.state, 'closed');
      assert.deepEqual(states(), ['connecting', 'open', 'closed']);
      assert.deepEqual(events.filter((e) => e[0] === 'close').pop()[1],
        { code, reason: 'bye', wasClean: true, willReconnect: false, byClient: false });
      await assert.rejects(pending, { code: 'connection_closed' });
      clock.advance(60000);
      assert.equal(instances.length, 1);
      assert.equal(clock.timers.size, 0);
    });
  }

  it('reconnects with backoff after 1001 (draining)', () => {
    const { client, clock, instances, socket } = setup();
    client.connect();
    socket().accept();
    socket().serverClose(1001, 'draining');
    assert.equal(client.state, 'reconnecting');
    assert.equal(client.lastClose.code, 1001);
    clock.advance(100);
    assert.equal(instances.length, 2);
  });

  it('backs off further on repeated 1013 (overloaded) even though each connection opened', () => {
    const { client, clock, socket } = setup();
    client.connect();
    socket().accept();
    const delays = [];
    for (let i = 0; i < 4; i++) {
      socket().serverClose(1013, 'try again later');
      delays.push(...clock.pendingDelays());
      clock.advance(delays[delays.length - 1]);
      socket().accept();
    }
    assert.deepEqual(delays, [100, 200, 400, 800]);
  });

  it('stop codes can be configured', () => {
    const { client, socket } = setup({ reconnect: { stopOnCloseCodes: [1000] } });
    client.connect();
    socket().accept();
    socket().serverClose(1000);
    assert.equal(client.state, 'closed');
  });

  it('never reconnects when reconnect is false', () => {
    const { client, clock, instances, socket } = setup({ reconnect: false });
    client.connect();
    socket().accept();
    socket().serverClose(1006);
    assert.equal(client.state, 'closed');
    clock.advance(60000);
    assert.equal(instances.length, 1);
  });

  it('close() closes with 1000, cancels a scheduled reconnect and rejects pending work', async () => {
    const { client, clock, instances, socket, states } = setup();
    client.connect();
    socket().accept();
    const first = socket();
    socket().serverClose(1006);
    const queued = client.echo(1);
    client.close();
    assert.equal(client.state, 'closed');
    await assert.rejects(queued, { code: 'closed' });
    clock.advance(60000);
    assert.equal(instances.length, 1);
    assert.deepEqual(states(), ['connecting', 'open', 'reconnecting', 'closed']);

    const { client: c2, socket: s2 } = setup();
    c2.connect();
    s2().accept();
    const ws = s2();
    c2.close();
    assert.deepEqual(ws.closedWith, { code: 1000, reason: 'client closed' });
    assert.equal(ws.onclose, null);
    assert.notEqual(first, ws);
  });

  it('close() while the token is being fetched opens no socket', async () => {
    let release;
    const { client, instances } = setup({ token: () => new Promise((r) => { release = r; }) });
    const connecting = client.connect();
    client.close();
    await assert.rejects(connecting, { code: 'closed' });
    release('late');
    await flush();
    assert.equal(instances.length, 0);
  });

  it('falls back to a plain close when the browser refuses the close code', () => {
    const { client, socket } = setup();
    client.connect();
    socket().accept();
    const ws = socket();
    client.close(1001, 'leaving');
    assert.deepEqual(ws.closedWith, { code: undefined, reason: undefined });
  });

  it('a failing token provider counts as a failed attempt and is retried', async () => {
    let calls = 0;
    const { client, clock, instances, events } = setup({
      token: async () => { if (++calls === 1) { throw new Error('auth down'); } return 'ok'; } });
    client.connect();
    await flush();
    assert.equal(client.state, 'reconnecting');
    assert.match(events.find((e) => e[0] === 'reconnecting')[1].reason, /token provider failed: auth down/);
    clock.advance(100);
    await flush();
    assert.equal(instances.length, 1);
    assert.equal(instances[0].url, 'ws://gw.test/ws?access_token=ok');
  });

  it('treats a missing connected frame as a failed attempt', () => {
    const { client, clock, instances, socket } = setup({ connectTimeoutMs: 5000 });
    client.connect();
    const ws = socket();
    clock.advance(5000);
    assert.equal(client.state, 'reconnecting');
    assert.equal(ws.closedWith.code, 4000);
    clock.advance(100);
    assert.equal(instances.length, 2);
  });

  it('gives up at once when the WebSocket constructor refuses the URL', async () => {
    const { client } = setup({ WebSocket: class { constructor() { throw new SyntaxError('bad url'); } } });
    await assert.rejects(client.connect(), /cannot open WebSocket: bad url/);
    assert.equal(client.state, 'closed');
  });

  it('connect() while open resolves at once; connect() after close() starts over', async () => {
    const { client, instances, socket } = setup();
    client.connect();
    socket().accept({ connectionId: 'a' });
    assert.equal((await client.connect()).connectionId, 'a');
    client.close();
    const again = client.connect();
    socket().accept({ connectionId: 'b' });
    assert.equal((await again).connectionId, 'b');
    assert.equal(instances.length, 2);
  });

  it('reconnectNow() skips the remaining delay', () => {
    const { client, instances, socket } = setup({ reconnect: { initialDelayMs: 10000 } });
    client.connect();
    socket().accept();
    socket().serverClose(1006);
    client.reconnectNow();
    assert.equal(instances.length, 2);
  });

  it('a listener that throws does not break the client', () => {
    const errors = [];
    const { client, socket } = setup({ onListenerError: (e) => errors.push(e.message) });
    client.on('state', () => { throw new Error('boom'); });
    client.connect();
    socket().accept();
    assert.equal(client.state, 'open');
    assert.deepEqual(errors, ['boom', 'boom']);
  });
});

describe('GatewayClient refused tokens (options.checkToken)', () => {
  it('stops with token_refused when the check says a token whose handshake failed is refused', async () => {
    const checked = [];
    const { client, clock, events, instances, socket } = setup({
      token: 'expired', checkToken: async (t) => { checked.push(t); return false; } });
    const connecting = assert.rejects(client.connect(), (err) => err instanceof GatewayError && err.code === 'token_refused');
    socket().serverClose(1006); // the handshake's 401, as a browser sees it
    await flush();
    assert.deepEqual(checked, ['expired']);
    assert.equal(client.state, 'closed');
    await connecting;
    const close = events.filter((e) => e[0] === 'close').map((e) => e[1]);
    assert.deepEqual(close, [{ code: 1006, reason: 'token refused', wasClean: false, willReconnect: false,
      byClient: false, tokenRefused: true }]);
    assert.equal(client.lastClose.tokenRefused, true);
    clock.advance(60000);
    assert.equal(instances.length, 1, 'no reconnect until the application acts');
    client.connect();
    assert.equal(instances.length, 2);
  });

  it('retries as usual when the check accepts the token or fails itself', async () => {
    for (const checkToken of [async () => true, async () => { throw new Error('offline'); }, () => { throw new Error('sync'); }]) {
      const { client, clock, instances, socket } = setup({ token: 'good', checkToken });
      client.connect();
      socket().serverClose(1006);
      await flush();
      assert.equal(client.state, 'reconnecting');
      assert.deepEqual(clock.pendingDelays(), [100]);
      clock.advance(100);
      assert.equal(instances.length, 2);
    }
  });

  it('does not check the token of a socket that opened, nor an anonymous attempt', async () => {
    let checks = 0;
    const checkToken = () => { checks++; return false; };
    const withToken = setup({ token: 'abc', checkToken });
    withToken.client.connect();
    withToken.socket().readyState = 1;
    withToken.socket().onopen?.({});
    withToken.socket().serverClose(1006); // opened, then lost: not a refused handshake
    const anonymous = setup({ token: null, checkToken });
    anonymous.client.connect();
    anonymous.socket().serverClose(1006);
    await flush();
    assert.equal(checks, 0);
    assert.equal(withToken.client.state, 'reconnecting');
    assert.equal(anonymous.client.state, 'reconnecting');
  });

  it('ignores a verdict that arrives after close()', async () => {
    let answer;
    const { client, events, socket } = setup({ token: 'abc', checkToken: () => new Promise((r) => { answer = r; }) });
    client.connect().catch(() => {});
    socket().serverClose(1006);
    client.close();
    answer(false);
    await flush();
    const closes = events.filter((e) => e[0] === 'close').map((e) => e[1]);
    assert.equal(closes.length, 1);
    assert.equal(closes[0].byClient, true);
  });
});

describe('GatewayClient requests and events', () => {
  let t;
  beforeEach(() => {
    t = setup({ requestTimeoutMs: 1000 });
    t.client.connect();
    t.socket().accept();
  });

  it('correlates replies by id and resolves with the reply frame', async () => {
    const a = t.client.echo('A');
    const b = t.client.echo('B');
    const [fa, fb] = t.socket().frames.slice(-2);
    assert.equal(fa.type, 'echo');
    assert.notEqual(fa.id, fb.id);
    t.socket().reply({ type: 'echo', payload: 'B' }, fb);
    t.socket().reply({ type: 'echo', payload: 'A' }, fa);
    assert.deepEqual(await a, { type: 'echo', payload: 'A', id: fa.id });
    assert.equal((await b).payload, 'B');
  });

  it('keeps a caller-given id and refuses a duplicate pending id', async () => {
    const p = t.client.request({ type: 'status', id: 'mine' });
    assert.equal(t.socket().lastFrame.id, 'mine');
    await assert.rejects(t.client.request({ type: 'status', id: 'mine' }), { code: 'duplicate_id' });
    t.socket().reply({ type: 'status' });
    await p;
  });

  it('rejects with the error frame', async () => {
    const p = t.client.subscribeClanChat('c1');
    t.socket().reply({ type: 'error', code: 'forbidden', message: 'not your clan' });
    await assert.rejects(p, (err) => err instanceof GatewayError && err.code === 'forbidden'
      && err.message === 'not your clan' && err.frame.type === 'error');
    assert.deepEqual(t.client.clans, []);
  });

  it('rejects on timeout, and a late reply is then only a message event', async () => {
    const late = [];
    t.client.on('echo', (f) => late.push(f));
    const p = t.client.echo(1);
    const frame = t.socket().lastFrame;
    t.clock.advance(1000);
    await assert.rejects(p, (err) => err.code === 'timeout' && /within 1000 ms/.test(err.message));
    t.socket().reply({ type: 'echo', payload: 1 }, frame);
    assert.equal(late.length, 1);
  });

  it('honours a per-request timeout', async () => {
    const p = t.client.request({ type: 'ping' }, { timeoutMs: 50 });
    t.clock.advance(50);
    await assert.rejects(p, { code: 'timeout' });
  });

  it('emits server pushes by type and every frame as message, but not replies by type', async () => {
    const got = [];
    t.client.on('room_message', (f) => got.push(['room_message', f.payload]));
    t.client.on('echo', () => got.push(['echo']));
    t.client.on('message', (f) => got.push(['message', f.type]));
    t.socket().serverSend({ type: 'room_message', room: 'lobby', from: 'u2', payload: 'hi', timestamp: 'now' });
    const p = t.client.echo(1);
    t.socket().reply({ type: 'echo', payload: 1 });
    await p;
    assert.deepEqual(got, [['message', 'room_message'], ['room_message', 'hi'], ['message', 'echo']]);
  });

  it('on(), once() and the returned unsubscribe function', () => {
    const got = [];
    const off = t.client.on('notification', (f) => got.push(`on:${f.id}`));
    t.client.once('notification', (f) => got.push(`once:${f.id}`));
    t.socket().serverSend({ type: 'notification', id: 'n1' });
    off();
    t.socket().serverSend({ type: 'notification', id: 'n2' });
    assert.deepEqual(got, ['on:n1', 'once:n1']);
  });

  it('emits every frame it sends as send, and the connected frame as message before state open', () => {
    const sent = [];
    t.client.on('send', (f) => sent.push(f.type));
    t.client.echo(1);
    t.client.sendTyping('c1', false);
    assert.deepEqual(sent, ['echo', 'typing']);

    const { client, socket } = setup();
    const order = [];
    client.on('message', (f) => order.push(`message:${f.type}`));
    client.on('state', (s) => order.push(`state:${s}`));
    client.connect();
    socket().accept();
    assert.deepEqual(order, ['state:connecting', 'message:connected', 'state:open']);
  });

  it('ignores frames that are not JSON objects', () => {
    t.socket().serverSend('not json');
    t.socket().serverSend('42');
    assert.equal(t.client.state, 'open');
  });

  it('send() is fire-and-forget and returns false when not open', () => {
    assert.equal(t.client.sendTyping('c1', true), true);
    assert.deepEqual(t.socket().lastFrame, { type: 'typing', clanId: 'c1', isTyping: true });
    t.socket().serverClose(1006);
    assert.equal(t.client.send({ type: 'typing', clanId: 'c1', isTyping: false }), false);
  });

  it('request() rejects with not_connected when the client is closed', async () => {
    t.client.close();
    await assert.rejects(t.client.echo(1), { code: 'not_connected' });
  });

  it('queues requests made while reconnecting and sends them once open', async () => {
    t.socket().serverClose(1006);
    const p = t.client.sendToRoom('lobby', { text: 'hello' });
    t.clock.advance(100);
    const ws = t.socket();
    assert.equal(ws.sent.length, 0);
    ws.accept();
    assert.deepEqual(ws.frames.map((f) => f.type), ['broadcast']);
    ws.reply({ type: 'ack' });
    assert.equal((await p).type, 'ack');
  });

  it('a queued request still times out', async () => {
    t.socket().serverClose(1006);
    const p = t.client.echo(1);
    t.clock.advance(1000);
    await assert.rejects(p, { code: 'timeout' });
    t.clock.advance(1000);
    t.socket().accept();
    assert.equal(t.socket().sent.length, 0);
  });

  it('ping() measures the round trip and emits latency', async () => {
    const p = t.client.ping();
    t.clock.advance(42);
    t.socket().reply({ type: 'pong', timestamp: '2026-01-01T00:00:00Z' });
    assert.equal(await p, 42);
    assert.deepEqual(t.events.filter((e) => e[0] === 'latency'), [['latency', 42]]);
  });
});

describe('GatewayClient rooms and subscriptions across reconnects', () => {
  it('re-joins rooms and re-subscribes services after a reconnect, before queued requests', async () => {
    const { client, clock, socket, events } = setup();
    client.connect();
    socket().accept();
    const ws1 = socket();
    const joins = [client.joinRoom('lobby'), client.joinRoom('games'), client.subscribeNotifications(),
      client.subscribeClanChat('c1')];
    for (const f of ws1.frames) {
      ws1.reply({ type: f.type === 'join_room' ? 'room_joined' : 'subscription_confirmed' }, f);
    }
    await Promise.all(joins);

    ws1.serverClose(1001, 'draining');
    const queued = client.sendToRoom('lobby', 'after');
    clock.advance(100);
    const ws2 = socket();
    ws2.accept({ connectionId: 'second' });
    assert.deepEqual(ws2.frames.map((f) => [f.type, f.room ?? f.clanId ?? null]), [
      ['join_room', 'lobby'], ['join_room', 'games'], ['subscribe_notifications', null],
      ['subscribe_clan_chat', 'c1'], ['broadcast', 'lobby']]);
    for (const f of ws2.frames) {
      ws2.reply({ type: f.type === 'broadcast' ? 'ack' : 'ok' }, f);
    }
    await queued;
    await flush();
    const resync = events.filter((e) => e[0] === 'resync');
    assert.deepEqual(resync, [['resync', { rooms: ['lobby', 'games'], notifications: true, clans: ['c1'], failures: [], recovered: {} }]]);
  });

  it('forgets a room or clan the gateway refuses on resync, and reports it', async () => {
    const { client, clock, socket, events } = setup();
    client.connect();
    socket().accept();
    client.joinRoom('lobby');
    client.subscribeClanChat('c1');
    for (const f of socket().frames) {
      socket().reply({ type: 'ok' }, f);
    }
    socket().serverClose(1006);
    clock.advance(100);
    socket().accept();
    const [join, clan] = socket().frames;
    socket().reply({ type: 'room_joined' }, join);
    socket().reply({ type: 'error', code: 'forbidden', message: 'no such clan' }, clan);
    await flush();
    assert.deepEqual(client.rooms, ['lobby']);
    assert.deepEqual(client.clans, []);
    const [, resync] = events.find((e) => e[0] === 'resync');
    assert.deepEqual(resync.failures, [{ type: 'subscribe_clan_chat', clanId: 'c1', code: 'forbidden', message: 'no such clan' }]);
  });

  it('keeps a room whose join timed out, so the next connection joins it', async () => {
    const { client, clock, socket } = setup({ requestTimeoutMs: 500 });
    client.connect();
    socket().accept();
    const p = client.joinRoom('lobby');
    clock.advance(500);
    await assert.rejects(p, { code: 'timeout' });
    assert.deepEqual(client.rooms, ['lobby']);
  });

  it('a room joined while reconnecting is joined once, by the queued request', async () => {
    const { client, clock, socket } = setup();
    client.connect();
    socket().accept();
    socket().serverClose(1006);
    const p = client.joinRoom('lobby');
    clock.advance(100);
    socket().accept();
    assert.deepEqual(socket().frames.map((f) => f.type), ['join_room']);
    socket().reply({ type: 'room_joined', room: 'lobby', members: 1 });
    assert.equal((await p).type, 'room_joined');
  });

  it('leaving forgets the room; leaving while disconnected sends nothing', async () => {
    const { client, clock, socket } = setup();
    client.connect();
    socket().accept();
    const joins = [client.joinRoom('a'), client.joinRoom('b')];
    for (const f of socket().frames) {
      socket().reply({ type: 'room_joined' }, f);
    }
    await Promise.all(joins);
    const leave = client.leaveRoom('a');
    assert.deepEqual(socket().lastFrame, { type: 'leave_room', room: 'a', id: socket().lastFrame.id });
    socket().reply({ type: 'room_left', room: 'a' });
    await leave;
    socket().serverClose(1006);
    assert.equal(await client.leaveRoom('b'), null);
    clock.advance(100);
    socket().accept();
    assert.equal(socket().sent.length, 0);
    assert.deepEqual(client.rooms, []);
  });

  it('unsubscribing stops the re-subscription', async () => {
    const { client, clock, socket } = setup();
    client.connect();
    socket().accept();
    client.subscribeNotifications();
    socket().reply({ type: 'subscription_confirmed', service: 'notifications', status: 'subscribed' });
    const un = client.unsubscribeNotifications();
    socket().reply({ type: 'subscription_confirmed', service: 'notifications', status: 'unsubscribed' });
    await un;
    socket().serverClose(1006);
    clock.advance(100);
    socket().accept();
    assert.equal(socket().sent.length, 0);
    assert.equal(client.notificationsSubscribed, false);
  });

  it('re-joins with recover from the last offset seen, and reports per channel whether it recovered', async () => {
    const { client, clock, socket, events } = setup();
    client.connect();
    socket().accept();
    const joins = [client.joinRoom('lobby'), client.subscribeClanChat('c1'), client.joinRoom('plain')];
    const [lobby, clan, plain] = socket().frames;
    socket().reply({ type: 'room_joined', room: 'lobby', members: 1, offset: 40, epoch: 'e1' }, lobby);
    socket().reply({ type: 'subscription_confirmed', service: 'clan_chat', clanId: 'c1', status: 'subscribed', offset: 7, epoch: 'e2' }, clan);
    socket().reply({ type: 'room_joined', room: 'plain', members: 1 }, plain);
    await Promise.all(joins);
    socket().serverSend({ type: 'room_message', room: 'lobby', from: 'bob', payload: 1, offset: 41, epoch: 'e1' });
    socket().serverSend({ type: 'chat', clanId: 'c1', content: 'hi', offset: 8, epoch: 'e2' });
    assert.deepEqual(client.positions, { 'room:lobby': { offset: 41, epoch: 'e1' }, 'clan:c1': { offset: 8, epoch: 'e2' } });

    socket().serverClose(1006);
    clock.advance(100);
    socket().accept();
    const [rejoin, plainAgain, resubscribe] = socket().frames;
    assert.deepEqual(rejoin.recover, { offset: 41, epoch: 'e1' });
    assert.deepEqual(resubscribe.recover, { offset: 8, epoch: 'e2' });
    assert.equal(plainAgain.recover, undefined);
    socket().reply({ type: 'room_joined', room: 'lobby', members: 1, offset: 43, epoch: 'e1', recovered: true }, rejoin);
    socket().reply({ type: 'subscription_confirmed', service: 'clan_chat', clanId: 'c1', status: 'subscribed', offset: 1, epoch: 'e3', recovered: false }, resubscribe);
    socket().reply({ type: 'room_joined', room: 'plain', members: 1 }, plainAgain);
    await flush();
    const [, resync] = events.find((e) => e[0] === 'resync');
    assert.deepEqual(resync.recovered, { 'room:lobby': true, 'clan:c1': false });
    // A recovered reply does not move the position: the replayed messages do, one by one.
    assert.deepEqual(client.positions['room:lobby'], { offset: 41, epoch: 'e1' });
    assert.deepEqual(client.positions['clan:c1'], { offset: 1, epoch: 'e3' });
    socket().serverSend({ type: 'room_message', room: 'lobby', from: 'bob', payload: 2, offset: 42, epoch: 'e1' });
    assert.deepEqual(client.positions['room:lobby'], { offset: 42, epoch: 'e1' });
  });

  it('leaving a room or clan chat forgets its position; joinRoom takes a saved one', async () => {
    const { client, socket } = setup();
    client.connect();
    socket().accept();
    client.joinRoom('lobby', { recover: { offset: 5, epoch: 'e1' } });
    assert.deepEqual(socket().lastFrame.recover, { offset: 5, epoch: 'e1' });
    socket().reply({ type: 'room_joined', room: 'lobby', members: 1, offset: 5, epoch: 'e1', recovered: true });
    socket().serverSend({ type: 'room_message', room: 'lobby', payload: 1, offset: 6, epoch: 'e1' });
    assert.deepEqual(client.positions, { 'room:lobby': { offset: 6, epoch: 'e1' } });
    client.leaveRoom('lobby');
    assert.deepEqual(client.positions, {});
  });

  it('history asks for a room or clan chat', async () => {
    const { client, socket } = setup();
    client.connect();
    socket().accept();
    const reply = client.history({ room: 'lobby', limit: 2 });
    const sent = socket().lastFrame;
    assert.deepEqual(sent, { type: 'history', room: 'lobby', limit: 2, id: sent.id });
    socket().reply({ type: 'history', room: 'lobby', epoch: 'e1', offset: 9, messages: [] });
    assert.equal((await reply).offset, 9);
  });

  it('requests in flight when the connection drops reject with connection_closed', async () => {
    const { client, socket } = setup();
    client.connect();
    socket().accept();
    const p = client.joinRoom('lobby');
    socket().serverClose(1006);
    await assert.rejects(p, { code: 'connection_closed' });
    assert.deepEqual(client.rooms, ['lobby']); // still re-joined on the next connection
  });
});

describe('GatewayClient heartbeat', () => {
  it('pings every interval and reports latency while pongs come back', () => {
    const { client, clock, socket, events } = setup({ heartbeat: { intervalMs: 1000, timeoutMs: 300 } });
    client.connect();
    socket().accept();
    clock.advance(999);
    assert.equal(socket().sent.length, 0);
    clock.advance(1);
    assert.equal(socket().lastFrame.type, 'ping');
    clock.advance(20);
    socket().reply({ type: 'pong', timestamp: 'now' });
    return flush().then(() => {
      assert.deepEqual(events.filter((e) => e[0] === 'latency'), [['latency', 20]]);
      clock.advance(1000);
      assert.equal(socket().frames.filter((f) => f.type === 'ping').length, 2);
    });
  });

  it('drops a connection whose pong does not come and reconnects', async () => {
    const { client, clock, socket, instances, events } = setup({ heartbeat: { intervalMs: 1000, timeoutMs: 300 } });
    client.connect();
    socket().accept();
    const dead = socket();
    clock.advance(1000);
    clock.advance(300);
    await flush();
    assert.equal(client.state, 'reconnecting');
    assert.equal(dead.closedWith.code, 4000);
    assert.match(events.filter((e) => e[0] === 'close').pop()[1].reason, /heartbeat/);
    clock.advance(100);
    assert.equal(instances.length, 2);
  });

  it('keeps pinging after an error reply, which still proves the connection alive', async () => {
    const { client, clock, socket } = setup({ heartbeat: { intervalMs: 1000, timeoutMs: 300 } });
    client.connect();
    socket().accept();
    clock.advance(1000);
    socket().reply({ type: 'error', code: 'rate_limited', message: 'slow down' });
    await flush();
    clock.advance(1000);
    assert.equal(client.state, 'open');
    assert.equal(socket().frames.filter((f) => f.type === 'ping').length, 2);
  });

  it('stops pinging after close()', () => {
    const { client, clock, socket } = setup({ heartbeat: { intervalMs: 1000, timeoutMs: 300 } });
    client.connect();
    socket().accept();
    client.close();
    clock.advance(10000);
    assert.equal(socket().sent.length, 0);
  });
});

describe('CloseCodes', () => {
  it('names the contract codes', () => {
    assert.equal(CloseCodes.REPLACED, 4009);
    assert.equal(CloseCodes.RATE_LIMITED, 4008);
    assert.equal(CloseCodes.TRY_AGAIN_LATER, 1013);
  });
});
