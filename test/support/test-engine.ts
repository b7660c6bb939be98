import path from 'node:path';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Campaign } from '../../src/domain/campaign.ts';
import { newId } from '../../src/domain/id.ts';
import type { Random } from '../../src/domain/random.ts';
import { newSender, type Sender } from '../../src/domain/sender.ts';
import type { Template } from '../../src/domain/template.ts';
import type { Workspace } from '../../src/domain/workspace.ts';
import type { MakeSocket } from '../../src/drivers/baileys/socket-like.ts';
import {
  SimulatorNetwork,
  type SimulatorNetworkOptions,
} from '../../src/drivers/simulator/simulator-network.ts';
import type { CampaignDefinition } from '../../src/engine/campaign-validation.ts';
import { KurirDriverFactory } from '../../src/engine/driver-factory.ts';
import { Engine, type EngineDeps, type EngineSettings } from '../../src/engine/engine.ts';
import type { KurirEvent } from '../../src/engine/event-bus.ts';
import type { DriverFactory } from '../../src/engine/sender-sessions.ts';
import { FileStorage } from '../../src/store/file-storage.ts';
import type { Store } from '../../src/store/store.ts';
import { createLogger } from '../../src/system/logger.ts';
import { SecretBox } from '../../src/system/secret-box.ts';
import { ManualClock } from './manual-clock.ts';
import { SeededRandom } from './seeded-random.ts';
import { type Backend, openTestStore, tempDir } from './stores.ts';

/** One derived key for the whole file: deriving is deliberately slow. */
const testSecrets = new SecretBox('kurir-test-secret-not-for-production');

export interface TestEngine {
  engine: Engine;
  store: Store;
  clock: ManualClock;
  network: SimulatorNetwork;
  workspace: Workspace;
  events: KurirEvent[];
  logs: () => string;
  ids: (prefix: string) => string;
  addContacts(
    n: number,
    extra?: (i: number) => Partial<{ name: string; tags: string[]; fields: Record<string, string> }>,
  ): Promise<string[]>;
  addTemplate(variants: string[], attachments?: Template['attachments']): Promise<Template>;
  addSender(name: string, config?: Record<string, unknown>, quotas?: Sender['quotas']): Promise<Sender>;
  campaign(
    definition: Partial<CampaignDefinition> & { templateId: string; senderIds: string[] },
  ): Promise<Campaign>;
  /** Moves the clock in steps, letting promises run between them, until `until` holds. */
  runUntil(
    until: () => Promise<boolean> | boolean,
    options?: { stepMs?: number; maxMs?: number },
  ): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export const phoneOf = (i: number) => `+49151${String(10_000_000 + i)}`;

/** Lets queued promise callbacks and I/O (SQLite, the simulator) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A JSON logger at debug level whose output the test can read back. */
export function capturedLog(): { log: Logger; logs: () => string } {
  let output = '';
  const log = createLogger({
    level: 'debug',
    format: 'json',
    destination: new Writable({
      write(chunk, _e, done) {
        output += chunk.toString();
        done();
      },
    }),
  });
  return { log, logs: () => output };
}

/** Moves `clock` in steps, letting promises and I/O run between them, until `until` holds. */
export async function runUntil(
  clock: ManualClock,
  until: () => Promise<boolean> | boolean,
  { stepMs = 100, maxMs = 3_600_000 }: { stepMs?: number; maxMs?: number } = {},
): Promise<void> {
  const end = clock.now() + maxMs;
  await settle();
  while (!(await until())) {
    if (clock.now() >= end) throw new Error(`condition not reached within ${maxMs} ms of simulated time`);
    clock.advance(stepMs);
    await settle();
  }
}

/**
 * The engine as tests run it: drivers on `network` (and Baileys on `baileysSocket`), test
 * secrets and settings; `overrides` replaces the media stand-ins or any setting.
 */
export function newTestEngine(
  deps: {
    store: Store;
    clock: ManualClock;
    random: Random;
    log: Logger;
    ids: (prefix: string) => string;
    network: SimulatorNetwork;
    files: FileStorage;
    baileysSocket?: MakeSocket | undefined;
  },
  overrides: Partial<Pick<EngineDeps, 'probeMedia' | 'fetchMedia' | 'mediaUrl'>> & {
    settings?: Partial<EngineSettings> | undefined;
    /** Wraps the real driver factory, to watch what the engine does with drivers. */
    wrapDrivers?: ((made: DriverFactory) => DriverFactory) | undefined;
  } = {},
): Engine {
  const { store, clock, random, log, network, files } = deps;
  const { settings, wrapDrivers = (made) => made, ...media } = overrides;
  return new Engine({
    store,
    clock,
    random,
    log,
    newId: deps.ids,
    secrets: testSecrets,
    drivers: wrapDrivers(
      new KurirDriverFactory({
        clock,
        random,
        log,
        simulator: network,
        store,
        secrets: testSecrets,
        ...(deps.baileysSocket === undefined ? {} : { baileysSocket: deps.baileysSocket }),
      }),
    ),
    probeMedia: async () => ({ size: 1000, contentType: 'image/png' }),
    files,
    fetchMedia: async () => {
      throw new Error('no network here');
    },
    imageMaxBytes: 350 * 1024,
    mediaUrl: (a) => a.url ?? `file:${a.fileId}`,
    ...media,
    settings: {
      retry: { maxAttempts: 3, baseMs: 2000, maxMs: 60_000 },
      claimBatch: 20,
      maxInFlightPerSender: 8,
      reconcileGraceMs: 60_000,
      ...settings,
    },
  });
}

/**
 * The real engine on a fresh store, with a manual clock and the in-process simulator
 * (receipts after fixed delays), no real sleeps anywhere.
 */
export async function createTestEngine(
  options: {
    backend?: Backend;
    network?: SimulatorNetworkOptions;
    settings?: Partial<EngineSettings>;
    /** A store the caller opened and closes (to restart an engine on the same data). */
    store?: Store;
    /** Baileys senders get sockets from here: a fake WhatsApp. */
    baileysSocket?: MakeSocket;
    /** Wraps the real driver factory, to watch what the engine does with drivers. */
    wrapDrivers?: (made: DriverFactory) => DriverFactory;
  } = {},
): Promise<TestEngine> {
  const store = options.store ?? (await openTestStore(options.backend ?? 'sqlite'));
  const clock = new ManualClock();
  const random = new SeededRandom(21);
  const ids = (prefix: string) => newId(prefix, clock.now(), random);
  const { log, logs } = capturedLog();
  const network = new SimulatorNetwork(
    { clock, random: new SeededRandom(5) },
    { receipts: { deliveredAfterMs: [100, 100], readAfterMs: [500, 500] }, ...options.network },
  );
  const engine = newTestEngine(
    {
      store,
      clock,
      random,
      log,
      ids,
      network,
      files: new FileStorage(path.join(tempDir('kurir-engine'), 'files')),
      baileysSocket: options.baileysSocket,
    },
    { settings: options.settings, wrapDrivers: options.wrapDrivers },
  );
  const events: KurirEvent[] = [];
  engine.bus.subscribe((e) => events.push(e));
  const existing = options.store === undefined ? [] : await store.workspaces.list();
  const workspace =
    existing[0] ??
    (await store.workspaces.create({
      id: ids('ws'),
      name: 'Test',
      defaultCountry: 'DE',
      createdAt: clock.now(),
    }));
  let contactCount = 0;
  const t: TestEngine = {
    engine,
    store,
    clock,
    network,
    workspace,
    events,
    ids,
    logs,
    async addContacts(n, extra) {
      const made: string[] = [];
      for (let k = 0; k < n; k++) {
        const i = contactCount++;
        const more = extra?.(i) ?? {};
        const c = await store.contacts.create({
          id: ids('ct'),
          workspaceId: workspace.id,
          phone: phoneOf(i),
          name: more.name ?? `Person ${i}`,
          fields: more.fields ?? {},
          tags: more.tags ?? [],
          status: null,
          consent: null,
          createdAt: clock.now(),
          updatedAt: clock.now(),
        });
        made.push(c.id);
      }
      return made;
    },
    async addTemplate(variants, attachments = []) {
      return store.templates.create({
        id: ids('tpl'),
        workspaceId: workspace.id,
        name: `T${ids('x')}`,
        variants,
        attachments,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      });
    },
    async addSender(name, config = {}, quotas = {}) {
      const phone = `+4915200${String(100000 + Math.floor(random.next() * 899999))}`;
      const sender = newSender({
        id: ids('snd'),
        workspaceId: workspace.id,
        name,
        driver: 'simulator',
        config: { phone, autoPair: true, ...config },
        quotas,
        now: clock.now(),
      });
      await store.senders.create(sender);
      await engine.sessions.open(sender);
      await settle();
      return (await store.senders.find(sender.id)) as Sender;
    },
    async campaign(definition) {
      return engine.campaigns.create(workspace.id, { name: 'Campaign', ...definition });
    },
    runUntil: (until, options) => runUntil(clock, until, options),
    async [Symbol.asyncDispose]() {
      await engine[Symbol.asyncDispose]();
      await network.close();
      if (options.store === undefined) await store.close();
    },
  };
  return t;
}
