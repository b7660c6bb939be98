/**
 * What the sending benchmarks build alike: a fresh SQLite store with one workspace,
 * contacts written with straight SQL, a template, simulator senders and an engine with
 * benchmark settings. Each benchmark passes only what it measures differently.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pino } from 'pino';
import type { Campaign } from '../src/domain/campaign.ts';
import type { Clock } from '../src/domain/clock.ts';
import type { IdFactory } from '../src/domain/id.ts';
import type { Random } from '../src/domain/random.ts';
import { newSender } from '../src/domain/sender.ts';
import type { Workspace } from '../src/domain/workspace.ts';
import type { SimulatorNetwork } from '../src/drivers/simulator/simulator-network.ts';
import { KurirDriverFactory } from '../src/engine/driver-factory.ts';
import { Engine, type EngineDeps, type EngineSettings } from '../src/engine/engine.ts';
import { FileStorage } from '../src/store/file-storage.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import { SecretBox } from '../src/system/secret-box.ts';

/** One derived key per process: deriving is deliberately slow. */
export const benchSecrets = new SecretBox('kurir-bench-secret-not-for-production');

export const silentLog = pino({ level: 'silent' });

export interface BenchStore {
  dir: string;
  file: string;
  store: Store;
  workspace: Workspace;
  /** Closes the store and deletes its directory. */
  remove(): Promise<void>;
}

export async function freshStore(label: string, clock: Clock, ids: IdFactory): Promise<BenchStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kurir-bench-${label}-`));
  const file = path.join(dir, 'kurir.db');
  const store = await openStore({ kind: 'sqlite', file });
  const workspace = await store.workspaces.create({
    id: ids('ws'),
    name: 'Bench',
    defaultCountry: 'DE',
    createdAt: clock.now(),
  });
  return {
    dir,
    file,
    store,
    workspace,
    remove: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes contacts with straight SQL: the benchmarks measure sending, not importing. */
export function seedContacts(file: string, workspaceId: string, count: number, now: number): void {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA busy_timeout = 5000');
  db.prepare(
    `INSERT INTO contacts (id, workspace_id, phone, name, fields, tags, created_at, updated_at)
     WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
     SELECT 'ct_' || printf('%026d', i), ?2, '+4915' || (100000000 + i), 'Person ' || i, '{}', '[]', ?3, ?3 FROM n`,
  ).run(count, workspaceId, now);
  db.close();
}

export async function addTemplate(
  b: BenchStore,
  clock: Clock,
  ids: IdFactory,
  name: string,
  variant: string,
): Promise<string> {
  const template = await b.store.templates.create({
    id: ids('tpl'),
    workspaceId: b.workspace.id,
    name,
    variants: [variant],
    attachments: [],
    createdAt: clock.now(),
    updatedAt: clock.now(),
  });
  return template.id;
}

/** `count` senders on the simulator, numbered from `firstPhone` (+1555 and seven digits), pairing on connect. */
export async function addSimulatorSenders(
  b: BenchStore,
  clock: Clock,
  ids: IdFactory,
  count: number,
  firstPhone: number,
): Promise<string[]> {
  const senderIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const sender = await b.store.senders.create(
      newSender({
        id: ids('snd'),
        workspaceId: b.workspace.id,
        name: `S${i}`,
        driver: 'simulator',
        config: { phone: `+1555${String(firstPhone + i)}`, autoPair: true },
        now: clock.now(),
      }),
    );
    senderIds.push(sender.id);
  }
  return senderIds;
}

/** Resolves once every one of `senderIds` can send. */
export async function untilConnected(engine: Engine, senderIds: readonly string[]): Promise<void> {
  while (!senderIds.every((id) => engine.sessions.get(id)?.canSend()))
    await new Promise((r) => setTimeout(r, 20));
}

/** A campaign over `senderIds` with no pauses between sends: a bench measures Kurir, not the pacing. */
export function unpacedCampaign(
  engine: Engine,
  workspaceId: string,
  name: string,
  templateId: string,
  senderIds: string[],
): Promise<Campaign> {
  return engine.campaigns.create(workspaceId, {
    name,
    templateId,
    senderIds,
    pacing: { preset: 'manual', minSeconds: 0, maxSeconds: 0 },
  });
}

/** Polls every `pollMs` until the campaign completes; the campaign as it ended. */
export async function untilCompleted(store: Store, campaignId: string, pollMs: number): Promise<Campaign> {
  for (;;) {
    const campaign = await store.campaigns.find(campaignId);
    if (campaign?.status === 'completed') return campaign;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Drivers for `b`'s senders on `network` (none: no sender connects). */
export function benchDrivers(
  b: BenchStore,
  base: { clock: Clock; random: Random; network: SimulatorNetwork | null },
): KurirDriverFactory {
  const { clock, random, network } = base;
  return new KurirDriverFactory({
    clock,
    random,
    log: silentLog,
    simulator: network,
    store: b.store,
    secrets: benchSecrets,
  });
}

/**
 * An engine on `b`'s store whose drivers talk to `network` (none: no sender connects),
 * with no media and the settings a benchmark wants; `overrides` replaces any of it.
 */
export function benchEngine(
  b: BenchStore,
  base: { clock: Clock; random: Random; ids: IdFactory; network: SimulatorNetwork | null },
  overrides: Partial<Omit<EngineDeps, 'settings'>> & { settings?: Partial<EngineSettings> } = {},
): Engine {
  const { clock, random, ids } = base;
  const { settings, ...rest } = overrides;
  return new Engine({
    store: b.store,
    clock,
    random,
    log: silentLog,
    newId: ids,
    secrets: benchSecrets,
    drivers: benchDrivers(b, base),
    probeMedia: async () => ({ size: 0, contentType: null }),
    files: new FileStorage(path.join(b.dir, 'files')),
    fetchMedia: async () => {
      throw new Error('no network here');
    },
    imageMaxBytes: 350 * 1024,
    mediaUrl: () => '',
    ...rest,
    settings: {
      retry: { maxAttempts: 3, baseMs: 2000, maxMs: 60_000 },
      claimBatch: 50,
      maxInFlightPerSender: 16,
      reconcileGraceMs: 60_000,
      ...settings,
    },
  });
}
