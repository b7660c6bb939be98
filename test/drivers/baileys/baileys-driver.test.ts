import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALICE, BOB, driverFixture, SENDER, settle, text } from './driver-fixture.ts';

test('pairing ends with WhatsApp asking for a restart, which is followed at once and silently', async () => {
  await using f = driverFixture();
  const { events } = await f.connected();
  assert.deepEqual(events.types(), ['qr', 'connected']);
  assert.deepEqual(events.events[1], { type: 'connected', phone: SENDER });
  assert.equal(f.network.sockets.length, 2, 'the pairing socket, then a new one after the 515');
});

test('a lost connection is reported once, and each new socket waits out a growing, jittered backoff', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected({ reconnect: { baseMs: 1000, maxMs: 60_000 } });
  const mark = events.mark;
  await f.network.dropConnection();
  const lost = await events.waitFor('disconnected', () => true, mark);
  assert.equal(lost.willReconnect, true);
  const refused = await driver.send(text('m-offline'));
  assert.deepEqual(refused.ok ? null : [refused.error.kind, refused.error.code], [
    'retryable',
    'not_connected',
  ]);
  assert.ok(!refused.ok && (refused.error.retryAfterMs ?? 0) <= 1000, 'says when the next attempt is');
  assert.ok(!refused.ok && refused.error.uncertain === undefined, 'nothing left');

  f.clock.advance(499);
  await settle();
  assert.equal(f.network.sockets.length, 2, 'no socket before half the first delay');
  f.clock.advance(501);
  await settle();
  assert.equal(f.network.sockets.length, 3);

  // That attempt fails too: no second report, and the next wait is longer.
  await f.network.current?.serverClose(428);
  await settle();
  f.clock.advance(999);
  await settle();
  assert.equal(f.network.sockets.length, 3, 'the second delay is at least a second');
  f.clock.advance(1001);
  await settle();
  assert.equal(f.network.sockets.length, 4);
  assert.deepEqual(events.types(mark), ['disconnected']);

  f.network.restoreConnection();
  await events.waitFor('connected', () => true, mark);
  assert.equal((await driver.send(text('m-online'))).ok, true);
});

test('a second restart request before the connection opened waits for the backoff', async () => {
  await using f = driverFixture();
  const { events } = await f.connected();
  const mark = events.mark;
  f.network.online = false;
  await f.network.open?.serverClose(515);
  await settle();
  assert.equal(f.network.sockets.length, 3, 'the first restart is at once');
  await f.network.current?.serverClose(515);
  await settle();
  assert.equal(f.network.sockets.length, 3, 'the second is not');
  assert.equal((await events.waitFor('disconnected', () => true, mark)).willReconnect, true);
  f.clock.advance(1000);
  await settle();
  assert.equal(f.network.sockets.length, 4);
});

test('another client taking the session over stops the driver without a reconnect loop', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  await f.network.open?.serverClose(440, 'Stream Errored (conflict)');
  const stopped = await events.waitFor('disconnected');
  assert.equal(stopped.willReconnect, false);
  f.clock.advance(86_400_000);
  await settle();
  assert.equal(f.network.sockets.length, 2);
  assert.equal((await driver.send(text('m-replaced'))).ok, false);
  const mark = events.mark;
  await driver.connect();
  await events.waitFor('connected', () => true, mark);
  assert.equal(f.network.sockets.length, 3, 'connecting again is the user’s call');
});

test('an unlink from WhatsApp (401) wipes the session, reports logged_out and does not reconnect', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  await f.network.open?.serverClose(401, 'Connection Failure');
  const out = await events.waitFor('logged_out');
  assert.match(out.reason, /401/);
  assert.equal(f.session.creds, null);
  assert.equal(f.session.keys.size, 0);
  f.clock.advance(86_400_000);
  await settle();
  assert.equal(f.network.sockets.length, 2);
  const refused = await driver.send(text('m-after'));
  assert.equal(refused.ok ? null : refused.error.kind, 'logged_out');
  const mark = events.mark;
  await driver.connect();
  await events.waitFor('qr', () => true, mark);
  assert.equal(f.network.current?.options.auth.creds.me, undefined, 'fresh credentials');
});

test('a refused account (403) is reported banned, keeps its session and sends nothing', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  await f.network.open?.serverClose(403, 'Connection Failure');
  await events.waitFor('banned');
  f.clock.advance(86_400_000);
  await settle();
  assert.equal(f.network.sockets.length, 2);
  assert.notEqual(f.session.creds, null);
  const refused = await driver.send(text('m-banned'));
  assert.equal(refused.ok ? null : refused.error.kind, 'banned');
  assert.deepEqual(f.network.sent, []);
});

test('QR codes that nobody scans end the attempt instead of fetching new ones for ever', async () => {
  await using f = driverFixture();
  const { driver, events } = f.makeDriver();
  await driver.connect();
  await events.waitFor('qr');
  await f.network.current?.serverClose(408, 'QR refs attempts ended');
  const stopped = await events.waitFor('disconnected');
  assert.equal(stopped.willReconnect, false);
  f.clock.advance(86_400_000);
  await settle();
  assert.equal(f.network.sockets.length, 1);
  const refused = await driver.send(text('m-unpaired'));
  assert.equal(refused.ok ? null : refused.error.kind, 'logged_out');
});

test('a first dial that fails (408 without a QR code) is retried, not taken for an unscanned QR', async () => {
  await using f = driverFixture();
  f.network.online = false;
  const { driver, events } = f.makeDriver();
  await driver.connect();
  await f.network.current?.serverClose(408, 'getaddrinfo ENOTFOUND web.whatsapp.com');
  assert.equal((await events.waitFor('disconnected')).willReconnect, true);
  f.network.online = true;
  f.clock.advance(1000);
  await events.waitFor('qr');
});

test('connecting while waiting to reconnect connects at once', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  const mark = events.mark;
  await f.network.dropConnection();
  await events.waitFor('disconnected', () => true, mark);
  f.network.online = true;
  await driver.connect();
  await events.waitFor('connected', () => true, mark);
  assert.equal(f.clock.pendingTimers, 0, 'the backoff timer was cancelled');
});

test('close cancels a pending reconnect and ends the socket without unlinking', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  await f.network.dropConnection();
  await events.waitFor('disconnected');
  assert.equal(f.clock.pendingTimers, 1);
  await driver.close();
  assert.equal(f.clock.pendingTimers, 0);
  assert.equal(f.network.unlinks, 0);
  assert.notEqual(f.session.creds, null);
  await assert.rejects(driver.connect(), /closed/);
});

test('listeners run after Baileys’ emit returns, so one that throws cannot cut an event short', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  const seen: string[] = [];
  driver.onEvent((event) => {
    if (event.type !== 'inbound') return;
    seen.push(event.text);
    throw new Error('a listener bug');
  });
  const socket = f.network.open;
  socket?.emit('messages.upsert', {
    type: 'notify',
    messages: [
      {
        key: { remoteJid: '4915200000002@s.whatsapp.net', fromMe: false, id: 'A1' },
        message: { conversation: 'one' },
      },
      {
        key: { remoteJid: '4915200000003@s.whatsapp.net', fromMe: false, id: 'B1' },
        message: { conversation: 'two' },
      },
    ],
  });
  assert.deepEqual(seen, [], 'nothing ran inside the emit');
  await events.waitFor('inbound', (e) => e.text === 'two');
  assert.deepEqual(seen.slice(0, 2), ['one', 'two']);
  const inbound = events.events.filter((e) => e.type === 'inbound');
  assert.deepEqual(
    inbound.map((e) => e.type === 'inbound' && e.from),
    [ALICE, BOB],
  );
});

test('messages that came while no device was online arrive on connect and are passed on', async () => {
  await using f = driverFixture();
  const { driver, events } = await f.connected();
  await driver.close();
  f.network.sendInbound(BOB, 'while you were away');
  const next = f.makeDriver();
  await next.driver.connect();
  const inbound = await next.events.waitFor('inbound');
  assert.equal(inbound.text, 'while you were away');
  assert.equal(inbound.from, BOB);
  assert.ok(!events.events.some((e) => e.type === 'inbound'));
});
