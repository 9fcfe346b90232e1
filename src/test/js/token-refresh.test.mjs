// Unit tests of gateway-client.js's token refresh: scheduling from `expiresAt` with lead and
// jitter, the `refresh` exchange, falling back to a reconnect with a fresh token, and the
// clan unsubscribe push. Fake WebSocket and timers; the wall clock follows the fake clock.
// Run: node --test src/test/js/
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { FakeClock, fakeWebSocketClass, flush, loadClient } from './support/fakes.mjs';

const { GatewayClient } = await loadClient();

const EPOCH = Date.parse('2026-12-03T12:00:00Z');

const iso = (ms) => new Date(EPOCH + ms).toISOString();

/** A client whose token function hands out token-1, token-2, ...; jitter draws 0.5. */
function setup(options = {}) {
  const clock = new FakeClock();
  const { FakeWebSocket, instances } = fakeWebSocketClass();
  const events = [];
  let issued = 0;
  const client = new GatewayClient('ws://gw.test/ws', {
    WebSocket: FakeWebSocket,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: () => clock.now,
    wallClock: () => EPOCH + clock.now,
    random: () => 0.5,
    heartbeat: false,
    token: () => `token-${++issued}`,
    reconnect: { strategy: 'fixed', initialDelayMs: 100, jitter: false },
    ...options,
  });
  for (const name of ['refreshed', 'refresh_failed', 'close', 'open']) {
    client.on(name, (arg) => events.push([name, arg]));
  }
  const socket = () => instances[instances.length - 1];
  return { client, clock, instances, events, socket };
}

describe('GatewayClient token refresh', () => {
  it('sends refresh with a fresh token between lead + jitter and lead before expiry', async () => {
    const { client, clock, socket, events } = setup({ tokenRefresh: { leadMs: 30000, jitterMs: 10000 } });
    client.connect();
    socket().accept({ expiresAt: iso(300000) });
    assert.equal(client.expiresAt.toISOString(), iso(300000));
    clock.advance(264999); // 300 s - 30 s lead - 0.5 * 10 s jitter = 265 s
    assert.equal(socket().sent.length, 0);
    clock.advance(1);
    await flush();
    assert.deepEqual(socket().lastFrame, { type: 'refresh', token: 'token-2', id: socket().lastFrame.id });
    socket().reply({ type: 'refreshed', expiresAt: iso(600000) });
    await flush();
    assert.equal(events.filter((e) => e[0] === 'refreshed').length, 1);
    assert.equal(client.expiresAt.toISOString(), iso(600000));
    assert.equal(client.state, 'open');
    clock.advance(300000); // the next one is scheduled from the new expiry
    await flush();
    assert.equal(socket().lastFrame.token, 'token-3');
  });

  it('refreshes a token shorter-lived than the lead at most halfway through its life', async () => {
    const { client, clock, socket } = setup({ tokenRefresh: { leadMs: 30000, jitterMs: 10000 } });
    client.connect();
    socket().accept({ expiresAt: iso(4000) });
    clock.advance(1499); // 4 s - 2 s (half) - 0.5 * 1 s (a quarter) = 1.5 s
    assert.equal(socket().sent.length, 0);
    clock.advance(1);
    await flush();
    assert.equal(socket().lastFrame.type, 'refresh');
  });

  it('reconnects with a fresh token when the gateway refuses the refresh', async () => {
    const { client, clock, socket, instances, events } = setup();
    client.connect();
    socket().accept({ expiresAt: iso(60000) });
    const first = socket();
    clock.advance(60000);
    await flush();
    first.reply({ type: 'error', code: 'invalid_token', message: 'the token is not valid' });
    await flush();
    assert.equal(events.find((e) => e[0] === 'refresh_failed')[1].code, 'invalid_token');
    assert.equal(first.closedWith.code, 4000);
    assert.equal(client.state, 'reconnecting');
    clock.advance(100);
    assert.equal(instances.length, 2);
    assert.equal(socket().url, 'ws://gw.test/ws?access_token=token-3');
  });

  it('does not loop when the token function returns a token that expires no later', async () => {
    const { client, clock, socket, instances, events } = setup();
    client.connect();
    socket().accept({ expiresAt: iso(60000) });
    clock.advance(60000);
    await flush();
    socket().reply({ type: 'refreshed', expiresAt: iso(60000) });
    await flush();
    assert.equal(events.find((e) => e[0] === 'refresh_failed')[1].code, 'token_not_renewed');
    const sent = socket().sent.length;
    clock.advance(59000);
    await flush();
    assert.equal(socket().sent.length, sent);
    assert.equal(instances.length, 1);
    assert.equal(client.state, 'open');
  });

  it('never refreshes a static token, a token without exp, or when turned off', () => {
    for (const options of [{ token: 'static' }, { tokenRefresh: false }]) {
      const { client, clock, socket } = setup(options);
      client.connect();
      socket().accept({ expiresAt: iso(10000) });
      clock.advance(20000);
      assert.equal(socket().sent.length, 0);
    }
    const { client, clock, socket } = setup();
    client.connect();
    socket().accept();
    assert.equal(client.expiresAt, null);
    assert.equal(clock.timers.size, 0);
  });

  it('forgets a clan the gateway unsubscribed after a refresh, so a reconnect does not re-subscribe it', async () => {
    const { client, socket } = setup();
    client.connect();
    socket().accept();
    const subscribing = client.subscribeClanChat('c1');
    socket().reply({ type: 'subscription_confirmed', service: 'clan_chat', clanId: 'c1', status: 'subscribed' });
    await subscribing;
    socket().serverSend({ type: 'subscription_confirmed', service: 'clan_chat', clanId: 'c1', status: 'unsubscribed' });
    assert.deepEqual(client.clans, []);
  });
});
