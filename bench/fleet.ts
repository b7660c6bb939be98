/**
 * `npm run bench:fleet [-- recipients senders]`
 *
 * 1,000 simulator senders on one campaign of 200,000 recipients, pacing off, SQLite file:
 * messages/s end to end, the cost of choosing a sender per message (µs: building the
 * pass's candidates plus every choice), and peak RSS.
 * Targets (issue): ≥ 3,000 messages/s and selection < 50 µs per message on 2 cores.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pino } from 'pino';
import { newId } from '../src/domain/id.ts';
import { SimulatorNetwork } from '../src/drivers/simulator/simulator-network.ts';
import { KurirDriverFactory } from '../src/engine/driver-factory.ts';
import { Engine } from '../src/engine/engine.ts';
import { FileStorage } from '../src/store/file-storage.ts';
import { openStore } from '../src/store/open-store.ts';
import { SecretBox } from '../src/system/secret-box.ts';
import { SystemClock } from '../src/system/system-clock.ts';
import { SystemRandom } from '../src/system/system-random.ts';
import { PeakRss, verdict } from './measure.ts';

const [recipients = 200_000, senderCount = 1000] = process.argv.slice(2).map(Number);
const clock = new SystemClock();
const random = new SystemRandom();
const ids = (prefix: string) => newId(prefix, clock.now(), random);
const log = pino({ level: 'silent' });
const secrets = new SecretBox('kurir-bench-secret-not-for-production');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurir-bench-fleet-'));
const file = path.join(dir, 'kurir.db');
const store = await openStore({ kind: 'sqlite', file });
const workspace = await store.workspaces.create({
  id: ids('ws'),
  name: 'Bench',
  defaultCountry: 'DE',
  createdAt: clock.now(),
});
process.stdout.write(`seeding ${recipients} contacts and ${senderCount} senders… `);
const db = new DatabaseSync(file);
db.prepare(
  `INSERT INTO contacts (id, workspace_id, phone, name, fields, tags, created_at, updated_at)
   WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
   SELECT 'ct_' || printf('%026d', i), ?2, '+4915' || (100000000 + i), 'Person ' || i, '{}', '[]', ?3, ?3 FROM n`,
).run(recipients, workspace.id, clock.now());
db.close();
const network = new SimulatorNetwork(
  { clock, random },
  { receipts: { deliveredAfterMs: [50, 500], readAfterMs: null } },
);
let selectionMs = 0;
let selected = 0;
const engine = new Engine({
  store,
  clock,
  random,
  log,
  newId: ids,
  secrets,
  drivers: new KurirDriverFactory({ clock, random, log, simulator: network, store, secrets }),
  probeMedia: async () => ({ size: 0, contentType: null }),
  files: new FileStorage(path.join(dir, 'files')),
  fetchMedia: async () => {
    throw new Error('no network here');
  },
  imageMaxBytes: 350 * 1024,
  mediaUrl: () => '',
  settings: {
    retry: { maxAttempts: 3, baseMs: 2000, maxMs: 60_000 },
    claimBatch: 50,
    maxInFlightPerSender: 4,
    reconcileGraceMs: 60_000,
  },
  timing: () => performance.now(),
  onSelection: (s) => {
    selectionMs += s.ms;
    selected += s.messages;
  },
});
const template = await store.templates.create({
  id: ids('tpl'),
  workspaceId: workspace.id,
  name: 'Fleet',
  variants: ['Hello {{name}}'],
  attachments: [],
  createdAt: clock.now(),
  updatedAt: clock.now(),
});
const senderIds: string[] = [];
for (let i = 0; i < senderCount; i++) {
  const sender = await store.senders.create({
    id: ids('snd'),
    workspaceId: workspace.id,
    name: `S${i}`,
    driver: 'simulator',
    config: { phone: `+1555${String(3_000_000 + i)}`, autoPair: true },
    phone: null,
    connection: 'pairing',
    connectionReason: null,
    quotas: {},
    pausedReason: null,
    health: 100,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  });
  senderIds.push(sender.id);
}
await engine.start();
while (!senderIds.every((id) => engine.sessions.get(id)?.canSend()))
  await new Promise((r) => setTimeout(r, 20));
console.log('done');
const campaign = await engine.campaigns.create(workspace.id, {
  name: 'Fleet',
  templateId: template.id,
  senderIds,
  pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
});
const peak = new PeakRss();
const started = performance.now();
await engine.campaigns.start(workspace.id, campaign.id);
for (;;) {
  const c = await store.campaigns.find(campaign.id);
  if (c?.status === 'completed') break;
  await new Promise((r) => setTimeout(r, 200));
}
const seconds = (performance.now() - started) / 1000;
const peakMb = peak.stop();
const rate = recipients / seconds;
const perMessageUs = selected === 0 ? 0 : (selectionMs * 1000) / selected;
const usedSenders = new Set(network.records.attempts().map((a) => a.sender)).size;
console.log(
  `fleet: ${recipients} messages over ${senderCount} senders (${usedSenders} used) in ${seconds.toFixed(1)} s = ` +
    `${Math.round(rate)} messages/s; selection ${perMessageUs.toFixed(1)} µs per message; peak RSS ${peakMb} MB`,
);
await engine[Symbol.asyncDispose]();
await network.close();
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log('\nagainst the targets (2-core machine):');
console.log(verdict('messages/s end to end', rate, '>=', 3000));
console.log(verdict('sender selection (µs per message)', perMessageUs, '<', 50));
console.log(verdict('peak RSS (MB)', peakMb, 'report', 0));
