import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../src/api/create-app.ts';
import { newId } from '../../src/domain/id.ts';
import type { MediaProbe } from '../../src/domain/media.ts';
import type { Workspace } from '../../src/domain/workspace.ts';
import type { MakeSocket } from '../../src/drivers/baileys/socket-like.ts';
import { SimulatorNetwork } from '../../src/drivers/simulator/simulator-network.ts';
import { createApiKey } from '../../src/engine/api-keys.ts';
import { ContactImporter } from '../../src/engine/contact-import/contact-importer.ts';
import { ensureDefaultWorkspace } from '../../src/engine/create-workspace.ts';
import type { Engine } from '../../src/engine/engine.ts';
import type { KurirEvent } from '../../src/engine/event-bus.ts';
import { FileStorage } from '../../src/store/file-storage.ts';
import type { Store } from '../../src/store/store.ts';
import { ManualClock } from './manual-clock.ts';
import { SeededRandom } from './seeded-random.ts';
import { type Backend, openTestStore, tempDir } from './stores.ts';
import { capturedLog, newTestEngine, runUntil } from './test-engine.ts';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  engine: Engine;
  network: SimulatorNetwork;
  /** Every event the engine published. */
  events: KurirEvent[];
  clock: ManualClock;
  importer: ContactImporter;
  workspace: Workspace;
  /** Authorization header for the default workspace. */
  auth: { authorization: string };
  /** Everything the app logged, as text, to check what reached the logs. */
  logs: () => string;
  /** Moves the clock in steps, letting I/O run between them, until `until` holds. */
  runUntil: (
    until: () => Promise<boolean> | boolean,
    options?: { stepMs?: number; maxMs?: number },
  ) => Promise<void>;
  /** Makes a second workspace with its own key. */
  otherWorkspace: () => Promise<{ workspace: Workspace; auth: { authorization: string } }>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The real app on a fresh store, with a manual clock, seeded randomness and captured logs. */
export async function createTestApp(
  options: {
    backend?: Backend;
    defaultCountry?: string | null;
    uploadLimitBytes?: number;
    probeMedia?: MediaProbe;
    fetchMedia?: (url: string, limitBytes: number) => Promise<Buffer>;
    /** Baileys senders get sockets from here: a fake WhatsApp. */
    baileysSocket?: MakeSocket;
    /** Serve the built-in simulator's routes (`/simulator/…`), as `KURIR_SIMULATOR=on` does; default true. */
    simulatorRoutes?: boolean;
  } = {},
): Promise<TestApp> {
  const store = await openTestStore(options.backend ?? 'sqlite');
  const dir = tempDir('kurir-app');
  const clock = new ManualClock();
  const random = new SeededRandom(11);
  const ids = (prefix: string) => newId(prefix, clock.now(), random);
  const { log, logs } = capturedLog();
  const files = new FileStorage(path.join(dir, 'files'));
  const uploadLimitBytes = options.uploadLimitBytes ?? 50 * 1024 * 1024;
  const importer = new ContactImporter({ store, files, clock, newId: ids, log, uploadLimitBytes });
  const keyDeps = { store, clock, random, newId: ids };
  const { workspace, secret } = await ensureDefaultWorkspace(
    keyDeps,
    options.defaultCountry === undefined ? 'DE' : options.defaultCountry,
  );
  const network = new SimulatorNetwork(
    { clock, random: new SeededRandom(3) },
    { receipts: { deliveredAfterMs: [100, 100], readAfterMs: [500, 500] } },
  );
  const mediaUrl = (a: { url?: string; fileId?: string }, workspaceId: string) =>
    a.url ?? files.path(workspaceId, a.fileId ?? '');
  const engine = newTestEngine(
    { store, clock, random, log, ids, network, files, baileysSocket: options.baileysSocket },
    {
      mediaUrl,
      ...(options.probeMedia === undefined ? {} : { probeMedia: options.probeMedia }),
      ...(options.fetchMedia === undefined ? {} : { fetchMedia: options.fetchMedia }),
    },
  );
  await engine.start();
  const events: KurirEvent[] = [];
  engine.bus.subscribe((e) => events.push(e));
  const app = await createApp({
    config: { KURIR_BODY_LIMIT_BYTES: 1024 * 1024, KURIR_UPLOAD_LIMIT_BYTES: uploadLimitBytes },
    store,
    files,
    importer,
    engine,
    mediaUrl,
    clock,
    random,
    newId: ids,
    log,
    simulator: options.simulatorRoutes === false ? null : network,
  });
  await app.ready();
  return {
    app,
    store,
    engine,
    network,
    events,
    clock,
    importer,
    workspace,
    auth: { authorization: `Bearer ${secret}` },
    logs,
    runUntil: (until, options) => runUntil(clock, until, options),
    otherWorkspace: async () => {
      const other = await store.workspaces.create({
        id: ids('ws'),
        name: 'Other',
        defaultCountry: 'DE',
        createdAt: clock.now(),
      });
      const created = await createApiKey(keyDeps, other.id, 'other');
      return { workspace: other, auth: { authorization: `Bearer ${created.secret}` } };
    },
    async [Symbol.asyncDispose]() {
      await app.close();
      await engine[Symbol.asyncDispose]();
      await network.close();
      await importer[Symbol.asyncDispose]();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request as the app's own key, with a JSON body when `payload` is given. */
export async function call(
  t: TestApp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
) {
  return t.app.inject({
    method,
    url,
    headers: t.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** A multipart/form-data body: text fields in order, then the file. */
export function multipart(
  fields: Record<string, string>,
  file?: { name?: string; field?: string; content: string | Buffer; type?: string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----kurirtest7MA4YWxkTrZu0gW';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name ?? 'contacts.csv'}"\r\n` +
          `Content-Type: ${file.type ?? 'text/csv'}\r\n\r\n`,
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
