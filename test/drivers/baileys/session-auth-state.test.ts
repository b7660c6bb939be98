import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { BufferJSON, initAuthCreds } from 'baileys';
import { pino } from 'pino';
import { SessionAuthState } from '../../../src/drivers/baileys/session-auth-state.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { ALICE, driverFixture, settle, text } from './driver-fixture.ts';
import { MemorySessionStore } from './memory-session-store.ts';

const log = pino({ level: 'silent' });

const load = (session: MemorySessionStore) =>
  SessionAuthState.load({ session, clock: new ManualClock(), log });

test('a new session gets fresh credentials and saves them whole, Buffers included', async () => {
  const session = new MemorySessionStore();
  const auth = await load(session);
  assert.equal(auth.paired, false);
  auth.saveCreds();
  await auth.flushed();
  const again = await load(session);
  assert.deepEqual(again.state.creds, JSON.parse(session.creds ?? 'null', BufferJSON.reviver));
  for (const pair of ['noiseKey', 'signedIdentityKey', 'pairingEphemeralKeyPair'] as const) {
    assert.ok(Buffer.isBuffer(again.state.creds[pair].private));
    assert.deepEqual(
      Buffer.from(again.state.creds[pair].private),
      Buffer.from(auth.state.creds[pair].private),
    );
  }
  assert.deepEqual(
    Buffer.from(again.state.creds.signedPreKey.signature),
    Buffer.from(auth.state.creds.signedPreKey.signature),
  );
});

test('creds saved while a write runs collapse into the newest, written after it', async () => {
  const session = new MemorySessionStore();
  const gate = Promise.withResolvers<void>();
  const saved: number[] = [];
  session.saveCreds = async (json) => {
    await gate.promise;
    saved.push(JSON.parse(json).nextPreKeyId);
  };
  const auth = await load(session);
  auth.state.creds.nextPreKeyId = 1;
  auth.saveCreds();
  await Promise.resolve();
  for (let i = 2; i <= 5; i++) {
    auth.state.creds.nextPreKeyId = i;
    auth.saveCreds();
  }
  gate.resolve();
  await auth.flushed();
  assert.deepEqual(saved, [1, 5]);
});

test('a failed creds write is healed by the next one', async () => {
  const session = new MemorySessionStore();
  const auth = await load(session);
  session.failNextCredsWrite = true;
  auth.state.creds.nextPreKeyId = 7;
  auth.saveCreds();
  await auth.flushed();
  assert.equal(session.creds, null);
  auth.state.creds.nextPreKeyId = 8;
  auth.saveCreds();
  await auth.flushed();
  assert.equal(JSON.parse(session.creds ?? '{}').nextPreKeyId, 8);
});

test('keys of every v7 type survive the store, and app-state keys come back as protobuf objects', async () => {
  const session = new MemorySessionStore();
  const { keys } = (await load(session)).state;
  const keyPair = { public: Buffer.from([1, 2, 3]), private: Buffer.from([4, 5, 6]) };
  await keys.set({
    'pre-key': { '1': keyPair },
    session: { 'alice.0': Buffer.from('session-record') },
    'sender-key': { 'group::alice': Buffer.from('sender-key') },
    'sender-key-memory': { 'group@g.us': { 'alice@s.whatsapp.net': true } },
    'app-state-sync-key': { AAAA: { keyData: Buffer.from('key-data'), timestamp: 1700000000 } },
    'app-state-sync-version': { regular: { version: 3, hash: Buffer.alloc(4, 1), indexValueMap: {} } },
    'lid-mapping': { '4915200000002': '2000000025194@lid' },
    'device-list': { '4915200000002': ['0', '7'] },
    tctoken: { '2000000025194@lid': { token: Buffer.from('token'), timestamp: '1700000000' } },
    'identity-key': { 'alice.0': Buffer.from('identity') },
  });
  // A fresh store over the same session: nothing comes from the cache.
  const reloaded = (await load(session)).state.keys;
  assert.deepEqual(await reloaded.get('pre-key', ['1', '2']), { '1': keyPair });
  assert.deepEqual(await reloaded.get('session', ['alice.0']), { 'alice.0': Buffer.from('session-record') });
  assert.deepEqual(await reloaded.get('sender-key-memory', ['group@g.us']), {
    'group@g.us': { 'alice@s.whatsapp.net': true },
  });
  assert.deepEqual(await reloaded.get('lid-mapping', ['4915200000002']), {
    '4915200000002': '2000000025194@lid',
  });
  assert.deepEqual(await reloaded.get('device-list', ['4915200000002']), { '4915200000002': ['0', '7'] });
  assert.deepEqual(await reloaded.get('tctoken', ['2000000025194@lid']), {
    '2000000025194@lid': { token: Buffer.from('token'), timestamp: '1700000000' },
  });
  const version = (await reloaded.get('app-state-sync-version', ['regular'])).regular;
  assert.deepEqual(version?.hash, Buffer.alloc(4, 1));
  const appKey = (await reloaded.get('app-state-sync-key', ['AAAA'])).AAAA;
  assert.equal(appKey?.constructor.name, 'AppStateSyncKeyData');
  assert.deepEqual(Buffer.from(appKey?.keyData ?? []), Buffer.from('key-data'));
});

test('setting a key to null deletes it, in the same write as the others', async () => {
  const session = new MemorySessionStore();
  const { keys } = (await load(session)).state;
  await keys.set({ 'pre-key': { '1': { public: Buffer.from([1]), private: Buffer.from([2]) } } });
  await keys.set({
    'pre-key': { '1': null, '2': { public: Buffer.from([3]), private: Buffer.from([4]) } },
  });
  assert.deepEqual([...session.keys.keys()], ['pre-key/2']);
  assert.deepEqual(session.writes, ['setKeys(1)', 'setKeys(2)']);
  const reloaded = (await load(session)).state.keys;
  assert.deepEqual(Object.keys(await reloaded.get('pre-key', ['1', '2'])), ['2']);
});

test('after a wipe the session is gone and a socket winding down cannot write it back', async () => {
  const session = new MemorySessionStore();
  const auth = await load(session);
  auth.saveCreds();
  await auth.state.keys.set({ 'lid-mapping': { a: 'b' } });
  await auth.wipe();
  assert.equal(session.creds, null);
  assert.equal(session.keys.size, 0);
  auth.saveCreds();
  await auth.state.keys.set({ 'lid-mapping': { c: 'd' } });
  await auth.flushed();
  assert.equal(session.creds, null);
  assert.equal(session.keys.size, 0);
});

test('a restarted driver hands the socket exactly the creds the last one saved', async () => {
  await using f = driverFixture();
  const { driver } = await f.connected();
  await driver.close();
  const saved = JSON.parse(f.session.creds ?? 'null', BufferJSON.reviver);
  assert.equal(saved.me.id, '4915100000001:7@s.whatsapp.net');
  const { driver: restarted, events } = f.makeDriver();
  await restarted.connect();
  await events.waitFor('connected');
  const handed = f.network.current?.options.auth.creds;
  assert.deepEqual(handed, saved);
  assert.ok(Buffer.isBuffer(handed?.signedIdentityKey.private));
  assert.ok(!events.events.some((e) => e.type === 'qr'));
});

test('a creds update from the socket is saved whole, not just the changed fields', async () => {
  await using f = driverFixture();
  await f.connected();
  f.network.open?.emit('creds.update', { lastPropHash: 'abc' });
  await settle();
  const saved = JSON.parse(f.session.creds ?? 'null', BufferJSON.reviver);
  assert.equal(saved.lastPropHash, 'abc');
  assert.equal(saved.me.id, '4915100000001:7@s.whatsapp.net');
  assert.ok(saved.noiseKey.private.length > 0);
});

test('a whole session lifecycle writes no file to the working directory or the temp directory', async () => {
  const authLike = /creds|auth|session|pre-key|app-state|baileys|sender-key/i;
  const snapshot = () =>
    [...readdirSync(process.cwd()), ...readdirSync(tmpdir())].filter((name) => authLike.test(name));
  const before = new Set(snapshot());
  {
    await using f = driverFixture();
    const { driver } = await f.connected();
    await f.network.open?.options.auth.keys.set({ session: { 'alice.0': Buffer.from('record') } });
    assert.equal((await driver.send(text('m-1', ALICE))).ok, true);
    await driver.logout();
  }
  assert.deepEqual(
    snapshot().filter((name) => !before.has(name)),
    [],
  );
  assert.ok(initAuthCreds().noiseKey.private.length > 0, 'the library made real keys in memory');
});
