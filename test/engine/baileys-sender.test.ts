import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { newSender } from '../../src/domain/sender.ts';
import { openStore } from '../../src/store/open-store.ts';
import { FakeWhatsApp } from '../drivers/baileys/fake-whatsapp.ts';
import { tempDir } from '../support/stores.ts';
import { createTestEngine, phoneOf, settle } from '../support/test-engine.ts';

const senderPhone = '+4915100000777';

/**
 * The Baileys driver as the engine builds it: its session lives encrypted in the store, so a
 * restarted server logs in again with the same credentials and no session folder anywhere.
 */
test('a paired Baileys sender logs in again after a restart from its encrypted session', async () => {
  const dir = tempDir('kurir-baileys');
  const store = await openStore({ kind: 'sqlite', file: path.join(dir, 'kurir.db') });
  const whatsapp = new FakeWhatsApp(senderPhone);
  let senderId: string;
  let workspaceId: string;
  let logs = '';
  try {
    {
      await using t = await createTestEngine({ store, baileysSocket: whatsapp.makeSocket });
      workspaceId = t.workspace.id;
      const sender = newSender({
        id: t.ids('snd'),
        workspaceId,
        name: 'Shop',
        driver: 'baileys',
        config: {},
        now: t.clock.now(),
      });
      senderId = sender.id;
      await store.senders.create(sender);
      await t.engine.sessions.open(sender);
      await t.runUntil(() => t.engine.sessions.get(sender.id)?.latestQr != null, { stepMs: 50 });
      assert.ok(
        t.events.some((e) => e.type === 'sender.qr'),
        'the QR code is published',
      );

      await whatsapp.completePairing();
      await t.runUntil(async () => (await store.senders.find(sender.id))?.connection === 'connected');
      assert.equal((await store.senders.find(sender.id))?.phone, senderPhone);

      // A one-message campaign goes out through the real driver to WhatsApp.
      await t.addContacts(1);
      const template = await t.addTemplate(['Hello {{name}}']);
      const c = await t.campaign({
        templateId: template.id,
        senderIds: [sender.id],
        pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
      });
      await t.engine.campaigns.start(workspaceId, c.id);
      await t.runUntil(async () => whatsapp.received(phoneOf(0)).length === 1);
      assert.equal(whatsapp.received(phoneOf(0))[0]?.text, 'Hello Person 0');
      whatsapp.deliverAndRead();
      await t.runUntil(async () => (await store.campaigns.find(c.id))?.status === 'completed');
      logs = t.logs();
    }
    const paired = whatsapp.sockets[whatsapp.sockets.length - 1]?.creds;
    assert.ok(paired?.account, 'the last socket held the paired credentials');
    const keyMaterial = [
      paired.noiseKey.private,
      paired.signedIdentityKey.private,
      paired.signedPreKey.keyPair.private,
    ].map((k) => Buffer.from(k).toString('base64'));
    assert.ok(logs.length > 0);
    for (const key of [...keyMaterial, paired.advSecretKey]) {
      assert.ok(!logs.includes(key), 'session key material reached the logs');
    }
    const files = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f)));
    for (const key of [...keyMaterial, paired.advSecretKey]) {
      assert.ok(
        files.every((bytes) => bytes.indexOf(key) === -1),
        'session key material is readable in the database files',
      );
    }

    // At rest: sealed, with no readable key material, and no session files beside the database.
    const sealed = await store.senders.secret(senderId);
    assert.ok(sealed !== null);
    assert.doesNotMatch(sealed, /noiseKey|signedIdentityKey|account/);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => !f.startsWith('kurir.db')),
      [],
      'nothing but the database on disk',
    );

    const socketsBefore = whatsapp.sockets.length;
    await using again = await createTestEngine({ store, baileysSocket: whatsapp.makeSocket });
    await again.engine.start();
    await again.runUntil(async () => (await store.senders.find(senderId))?.connection === 'connected');
    for (const key of [...keyMaterial, paired.advSecretKey]) assert.ok(!again.logs().includes(key));
    const restored = whatsapp.sockets[socketsBefore];
    assert.ok(restored, 'the restarted engine opened a socket');
    assert.equal(restored.creds.me?.id, paired.me?.id);
    assert.deepEqual(restored.creds.noiseKey, paired.noiseKey);
    assert.deepEqual(restored.creds.signedIdentityKey, paired.signedIdentityKey);
    assert.equal(again.engine.sessions.get(senderId)?.latestQr ?? null, null, 'no new QR code');
    assert.ok(!again.events.some((e) => e.type === 'sender.qr'));
    await settle();
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
