import fs from 'node:fs';
import type { Logger } from 'pino';
import { createApp } from './api/create-app.ts';
import { type Config, ConfigError, launchedByNpm, loadConfig } from './config.ts';
import { newId } from './domain/id.ts';
import { defaultRetryPolicy } from './domain/retry-policy.ts';
import type { Attachment } from './domain/template.ts';
import { SimulatorNetwork } from './drivers/simulator/simulator-network.ts';
import { ContactImporter } from './engine/contact-import/contact-importer.ts';
import { ensureDefaultWorkspace } from './engine/create-workspace.ts';
import { KurirDriverFactory } from './engine/driver-factory.ts';
import { Engine } from './engine/engine.ts';
import { FileStorage, fileStorageDir } from './store/file-storage.ts';
import { openStore, storeLocation } from './store/open-store.ts';
import type { Store } from './store/store.ts';
import { prepareDataDir } from './system/data-dir.ts';
import { createLogger } from './system/logger.ts';
import { fetchMedia } from './system/media-fetch.ts';
import { probeMedia } from './system/media-probe.ts';
import { SecretBox } from './system/secret-box.ts';
import { embeddedSecret } from './system/secret-file.ts';
import { awaitStopRequest } from './system/stop-request.ts';
import { SystemClock } from './system/system-clock.ts';
import { SystemRandom } from './system/system-random.ts';

/**
 * The key that encrypts sender secrets: `KURIR_SECRET`, or in embedded mode a generated
 * key file. Every stored secret must open with it; otherwise start-up stops and names the
 * senders, rather than crash-looping or silently making them pair again.
 */
async function openSecrets(config: Config, kind: 'sqlite' | 'postgres', store: Store): Promise<SecretBox> {
  let secret = config.KURIR_SECRET;
  if (secret === undefined) {
    if (kind === 'postgres') {
      throw new Error('KURIR_SECRET is required with DATABASE_URL: every Kurir process must share it');
    }
    const made = embeddedSecret(config.DATA_DIR);
    if (made.created)
      process.stdout.write(
        `Generated an encryption key for sender secrets in ${made.file} (keep it with the data)\n`,
      );
    secret = made.secret;
  }
  const box = new SecretBox(secret);
  const unreadable: string[] = [];
  for (const s of await store.senders.secrets()) {
    try {
      box.decrypt(s.secret);
    } catch {
      unreadable.push(`${s.name} (${s.id})`);
    }
  }
  if (unreadable.length > 0) {
    throw new Error(
      `KURIR_SECRET does not open the stored sessions of: ${unreadable.join(', ')}. ` +
        'Start with the secret they were saved under; to start over, remove those senders and add them again.',
    );
  }
  return box;
}

const { version } = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

interface Serving {
  config: Config;
  log: Logger;
  clock: SystemClock;
  /** Stops everything `start` started, gracefully. */
  stop: () => Promise<void>;
}

/** Wires the real clock, randomness, store and logger, and serves. */
async function start(): Promise<Serving> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const clock = new SystemClock();
  const random = new SystemRandom();
  const ids = (prefix: string) => newId(prefix, clock.now(), random);

  // Owner-only from the first byte; an installation from before is tightened here.
  const tightened = prepareDataDir(config.DATA_DIR);
  const location = storeLocation(config.DATABASE_URL, config.DATA_DIR, config.DATABASE_POOL_SIZE);
  const store = await openStore(location);
  const secrets = await openSecrets(config, location.kind, store);
  const files = new FileStorage(fileStorageDir(config.DATA_DIR));
  const tightenedFiles = await files.tighten();
  if (tightened + tightenedFiles > 0)
    log.info(
      { entries: tightened + tightenedFiles },
      'made the data directory readable by its owner only (it was open to others)',
    );
  const importer = new ContactImporter({
    store,
    files,
    clock,
    newId: ids,
    log: log.child({ component: 'contact-import' }),
    uploadLimitBytes: config.KURIR_UPLOAD_LIMIT_BYTES,
  });
  const simulator =
    config.KURIR_SIMULATOR === 'on'
      ? new SimulatorNetwork({ clock, random, log: log.child({ component: 'simulator' }) })
      : null;
  const { secret } = await ensureDefaultWorkspace(
    { store, clock, random, newId: ids },
    config.KURIR_DEFAULT_COUNTRY ?? null,
    { simulator: simulator !== null },
  );
  const mediaUrl = (a: Pick<Attachment, 'url' | 'fileId'>, workspaceId: string) =>
    a.url ?? files.path(workspaceId, a.fileId ?? '');
  const engine = new Engine({
    store,
    clock,
    random,
    log,
    newId: ids,
    drivers: new KurirDriverFactory({ clock, log, random, simulator, store, secrets }),
    secrets,
    probeMedia,
    files,
    fetchMedia,
    imageMaxBytes: config.KURIR_IMAGE_MAX_BYTES,
    mediaUrl,
    settings: {
      retry: { ...defaultRetryPolicy, maxAttempts: config.KURIR_SEND_ATTEMPTS },
      claimBatch: 50,
      maxInFlightPerSender: 16,
      reconcileGraceMs: config.KURIR_RECONCILE_GRACE_MS,
    },
  });
  await engine.start();

  const app = await createApp({
    config,
    store,
    files,
    importer,
    engine,
    mediaUrl,
    clock,
    random,
    newId: ids,
    log,
    version,
    simulator,
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
  const shownHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const url = `http://${shownHost}:${port}`;
  const database = location.kind === 'sqlite' ? `SQLite ${location.file}` : 'PostgreSQL';

  // The banner goes to stdout directly, not through the logger: it is for the person who
  // just typed `npm start`, and the new key must never enter a log pipeline.
  const lines = [
    '',
    `Kurir ${version} listening on ${url}`,
    `  API docs:  ${url}/docs`,
    `  Database:  ${database}`,
    secret
      ? `  API key: ${secret}   (default workspace; shown once, keep it safe)`
      : '  API key: already created (make another with `npx kurir keys create`)',
    simulator
      ? '  Simulator: built in; new workspaces get a ready sender (KURIR_SIMULATOR=off to disable)'
      : '',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  await importer.resumeUnfinished();

  // Stopped in the order work comes in: requests (event streams end), then sending (no new
  // claim; sends under way settle and are written; drivers close), imports, the store.
  const stop = async () => {
    await app.close();
    await engine[Symbol.asyncDispose]();
    await simulator?.close();
    await importer[Symbol.asyncDispose]();
    await store.close();
  };
  return { config, log, clock, stop };
}

/** Serves until asked to stop (SIGTERM, SIGINT, or npm gone), then stops gracefully. */
async function main(): Promise<void> {
  const { config, log, clock, stop } = await start();
  const reason = await awaitStopRequest({
    process,
    clock,
    log,
    graceMs: config.KURIR_SHUTDOWN_GRACE_MS,
    followLauncher: launchedByNpm(),
  });
  try {
    await stop();
  } catch (error) {
    log.error({ err: error, reason }, 'stopping failed');
    process.exit(1);
  }
  log.info({ reason }, 'stopped');
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error('Kurir could not start:', error instanceof Error ? error.message : error);
  if (error instanceof Error && error.cause) console.error('  cause:', error.cause);
  process.exit(1);
});
