/**
 * `npm run bench:dispatch [-- recipients senders expansion]`
 *
 * 1. A 100,000-recipient campaign over 50 simulator senders with pacing off, on a SQLite
 *    file: messages/s from start to completion (queued → sent), p99 claim-to-send latency
 *    and peak RSS. Target (issue): ≥ 3,000 messages/s.
 * 2. Expansion of a 1,000,000-contact audience into message rows: time and peak RSS.
 *    Targets: < 60 s and < 400 MB.
 * Real clock, real randomness, the in-process simulator (delivery receipts on, read off).
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pino } from 'pino';
import type { Campaign } from '../src/domain/campaign.ts';
import { newId } from '../src/domain/id.ts';
import type { Sender } from '../src/domain/sender.ts';
import type { Driver } from '../src/drivers/driver.ts';
import { SimulatorNetwork } from '../src/drivers/simulator/simulator-network.ts';
import { KurirDriverFactory } from '../src/engine/driver-factory.ts';
import { Engine } from '../src/engine/engine.ts';
import { FileStorage } from '../src/store/file-storage.ts';
import { openStore } from '../src/store/open-store.ts';
import { SecretBox } from '../src/system/secret-box.ts';
import { SystemClock } from '../src/system/system-clock.ts';
import { SystemRandom } from '../src/system/system-random.ts';
import { PeakRss, percentile, verdict } from './measure.ts';

/** One derived key for the whole file: deriving is deliberately slow. */
const testSecrets = new SecretBox('kurir-test-secret-not-for-production');

const [recipients = 100_000, senderCount = 50, expansionSize = 1_000_000] = process.argv.slice(2).map(Number);
const clock = new SystemClock();
const random = new SystemRandom();
const ids = (prefix: string) => newId(prefix, clock.now(), random);
const log = pino({ level: 'silent' });

/** Writes contacts with straight SQL: the benchmark measures sending, not importing. */
function seedContacts(file: string, workspaceId: string, count: number): void {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA busy_timeout = 5000');
  db.prepare(
    `INSERT INTO contacts (id, workspace_id, phone, name, fields, tags, status, consent_at, consent_source, created_at, updated_at)
     WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
     SELECT 'ct_' || printf('%026d', i), ?2, '+4915' || (100000000 + i), 'Person ' || i, '{}', '[]', NULL, NULL, NULL, ?3, ?3
       FROM n`,
  ).run(count, workspaceId, clock.now());
  db.close();
}

async function freshStore(label: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kurir-bench-${label}-`));
  const file = path.join(dir, 'kurir.db');
  const store = await openStore({ kind: 'sqlite', file });
  const workspace = await store.workspaces.create({
    id: ids('ws'),
    name: 'Bench',
    defaultCountry: 'DE',
    createdAt: clock.now(),
  });
  return { dir, file, store, workspace };
}

async function dispatchRun(): Promise<{ rate: number; p99: number; peak: number }> {
  const { dir, file, store, workspace } = await freshStore('dispatch');
  const network = new SimulatorNetwork(
    { clock, random },
    { receipts: { deliveredAfterMs: [50, 500], readAfterMs: null } },
  );
  const sendStarted = new Map<string, number>();
  const factory = new KurirDriverFactory({
    clock,
    random,
    log,
    simulator: network,
    store,
    secrets: testSecrets,
  });
  const engine = new Engine({
    store,
    clock,
    random,
    log,
    newId: ids,
    secrets: testSecrets,
    drivers: {
      // Notes when each part reaches the driver, for claim-to-send latency.
      async create(sender: Sender): Promise<Driver> {
        const driver = await factory.create(sender);
        const send = driver.send.bind(driver);
        driver.send = (part) => {
          sendStarted.set(part.id, clock.now());
          return send(part);
        };
        return driver;
      },
    },
    probeMedia: async () => ({ size: 0, contentType: null }),
    files: new FileStorage(path.join(dir, 'files')),
    fetchMedia: async () => {
      throw new Error('no network here');
    },
    imageMaxBytes: 350 * 1024,
    mediaUrl: (a) => a.url ?? '',
    settings: {
      retry: { maxAttempts: 3, baseMs: 2000, maxMs: 60_000 },
      claimBatch: 50,
      maxInFlightPerSender: 16,
      reconcileGraceMs: 120_000,
    },
  });
  try {
    process.stdout.write(`seeding ${recipients} contacts and ${senderCount} senders… `);
    seedContacts(file, workspace.id, recipients);
    const template = await store.templates.create({
      id: ids('tpl'),
      workspaceId: workspace.id,
      name: 'Bench',
      variants: ['{Hi|Hello} {{firstName}}, this is a benchmark message'],
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
        config: { phone: `+1555${String(1_000_000 + i)}`, autoPair: true },
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
    for (;;) {
      const connected = senderIds.every((id) => engine.sessions.get(id)?.canSend());
      if (connected) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log('done');
    const campaign = await engine.campaigns.create(workspace.id, {
      name: 'Bench',
      templateId: template.id,
      senderIds,
      pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
    });
    const peak = new PeakRss();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await engine.campaigns.start(workspace.id, campaign.id);
    let last: Campaign | null = null;
    for (;;) {
      last = await store.campaigns.find(campaign.id);
      if (last?.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerMessageUs = Math.round((cpu.user + cpu.system) / recipients);
    const peakMb = peak.stop();
    // Claim-to-send: from the committed claim to the driver's send call.
    const latencies: number[] = [];
    for await (const m of store.messages.stream(campaign.id, 5000)) {
      const sent = m.waId === null ? undefined : sendStarted.get(m.waId);
      if (sent !== undefined && m.claimedAt !== null) latencies.push(sent - m.claimedAt);
    }
    latencies.sort((a, b) => a - b);
    const rate = recipients / seconds;
    console.log(
      `dispatch: ${recipients} messages over ${senderCount} senders in ${seconds.toFixed(1)} s = ${Math.round(rate)} messages/s; ` +
        `claim-to-send p50 ${percentile(latencies, 0.5)} ms, p99 ${percentile(latencies, 0.99)} ms; peak RSS ${peakMb} MB; ` +
        `CPU ${cpuPerMessageUs} µs per message (${Math.round(1_000_000 / cpuPerMessageUs)} messages per CPU-second); ` +
        `counts ${JSON.stringify(last?.counts)}`,
    );
    return { rate, p99: percentile(latencies, 0.99), peak: peakMb };
  } finally {
    await engine[Symbol.asyncDispose]();
    await network.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function expansionRun(): Promise<{ seconds: number; peak: number }> {
  const { dir, file, store, workspace } = await freshStore('expand');
  try {
    process.stdout.write(`seeding ${expansionSize} contacts… `);
    seedContacts(file, workspace.id, expansionSize);
    console.log('done');
    const engine = new Engine({
      store,
      clock,
      random,
      log,
      newId: ids,
      secrets: testSecrets,
      drivers: new KurirDriverFactory({ clock, random, log, simulator: null, store, secrets: testSecrets }),
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
        maxInFlightPerSender: 16,
        reconcileGraceMs: 1,
      },
    });
    const template = await store.templates.create({
      id: ids('tpl'),
      workspaceId: workspace.id,
      name: 'Bench',
      variants: ['Hi'],
      attachments: [],
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    const sender = await store.senders.create({
      id: ids('snd'),
      workspaceId: workspace.id,
      name: 'Offline',
      driver: 'simulator',
      config: { phone: '+15550000000' },
      phone: null,
      connection: 'disconnected',
      connectionReason: null,
      quotas: {},
      pausedReason: null,
      health: 100,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    const campaign = await engine.campaigns.create(workspace.id, {
      name: 'Big',
      templateId: template.id,
      senderIds: [sender.id],
    });
    const running = { ...campaign, status: 'running' as const };
    await store.campaigns.transition(
      campaign.id,
      ['draft'],
      { status: 'running', startedAt: clock.now() },
      clock.now(),
    );
    const peak = new PeakRss();
    const started = performance.now();
    await engine.expander.expand(running);
    const seconds = (performance.now() - started) / 1000;
    const peakMb = peak.stop();
    const counts = (await store.campaigns.find(campaign.id))?.counts;
    console.log(`expansion: ${counts?.total} recipients in ${seconds.toFixed(1)} s; peak RSS ${peakMb} MB`);
    await engine[Symbol.asyncDispose]();
    return { seconds, peak: peakMb };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Expansion first: RSS rarely shrinks once V8 has grown the heap, so a run after the
// dispatch (whose in-process simulator keeps every message as ground truth) would report
// the dispatch's peak as its own.
const expansion = await expansionRun();
const dispatch = await dispatchRun();
console.log('\nagainst the targets (2-core machine):');
console.log(verdict('messages/s end to end', dispatch.rate, '>=', 3000));
console.log(verdict('claim-to-send p99 (ms)', dispatch.p99, 'report', 0));
console.log(verdict('dispatch peak RSS (MB)', dispatch.peak, 'report', 0));
console.log(verdict(`expansion of ${expansionSize} (s)`, expansion.seconds, '<', 60));
console.log(verdict('expansion peak RSS (MB)', expansion.peak, '<', 400));
