import { type Config, loadConfig } from '../config.ts';
import { newId } from '../domain/id.ts';
import { isCountryCode } from '../domain/phone.ts';
import type { Workspace } from '../domain/workspace.ts';
import { createApiKey, revokeApiKey } from '../engine/api-keys.ts';
import { createWorkspace } from '../engine/create-workspace.ts';
import { openStore, storeLocation } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { SystemClock } from '../system/system-clock.ts';
import { SystemRandom } from '../system/system-random.ts';
import { CliError } from './cli-error.ts';
import { textTable as table } from './text-table.ts';

type Options = { workspace?: string; name?: string; country?: string; json?: boolean };
type Command = (args: string[], options: Options) => Promise<void>;

/**
 * Bootstrap commands. They open the store directly instead of calling the HTTP API:
 * they are how someone with shell access gets a key in the first place, or back in after
 * losing every key (see docs/architecture.md).
 */
async function withStore<T>(
  fn: (deps: { store: Store; clock: SystemClock; random: SystemRandom; config: Config }) => Promise<T>,
) {
  const config = loadConfig();
  const store = await openStore(storeLocation(config.DATABASE_URL, config.DATA_DIR, 2));
  try {
    return await fn({ store, clock: new SystemClock(), random: new SystemRandom(), config });
  } finally {
    await store.close();
  }
}

async function pickWorkspace(store: Store, id: string | undefined): Promise<Workspace> {
  if (id !== undefined) {
    const ws = await store.workspaces.get(id);
    if (ws === null) throw new CliError(`no workspace ${id} (see \`kurir workspace list\`)`);
    return ws;
  }
  const [first] = await store.workspaces.list();
  if (first === undefined)
    throw new CliError('no workspace yet: start the server once, or `kurir workspace create <name>`');
  return first;
}

const day = (ms: number | null) =>
  ms === null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export const adminCommands: Record<string, Command> = {
  'workspace list': () =>
    withStore(async ({ store }) => {
      const all = await store.workspaces.list();
      process.stdout.write(
        table([
          ['ID', 'NAME', 'COUNTRY', 'CREATED'],
          ...all.map((w) => [w.id, w.name, w.defaultCountry ?? '-', day(w.createdAt)]),
        ]),
      );
    }),

  'workspace create': ([name], options) =>
    withStore(async ({ store, clock, random, config }) => {
      if (!name) throw new CliError('workspace create needs a name');
      const country = options.country?.toUpperCase() ?? null;
      if (country !== null && !isCountryCode(country))
        throw new CliError(`${options.country} is not a country code`);
      const ids = (p: string) => newId(p, clock.now(), random);
      // The server this database belongs to runs the built-in simulator when its
      // KURIR_SIMULATOR says so; this command reads the same setting.
      const { workspace, secret, demoSender } = await store.transaction((tx) =>
        createWorkspace(
          { store: tx, clock, random, newId: ids },
          { name, defaultCountry: country, simulator: config.KURIR_SIMULATOR === 'on' },
        ),
      );
      const simulated =
        demoSender === null
          ? ''
          : `simulator sender ${demoSender.id} (${String(demoSender.config.phone)}), paired when the server connects it\n`;
      process.stdout.write(
        `workspace ${workspace.id} created\n${simulated}API key: ${secret}\n(shown once; keep it safe)\n`,
      );
    }),

  'keys list': (_args, options) =>
    withStore(async ({ store }) => {
      const ws = await pickWorkspace(store, options.workspace);
      const keys = await store.apiKeys.list(ws.id);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        table([
          ['ID', 'NAME', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED'],
          ...keys.map((k) => [
            k.id,
            k.name,
            `${k.prefix}…`,
            day(k.createdAt),
            day(k.lastUsedAt),
            day(k.revokedAt),
          ]),
        ]),
      );
    }),

  'keys create': (_args, options) =>
    withStore(async ({ store, clock, random }) => {
      const ws = await pickWorkspace(store, options.workspace);
      const ids = (p: string) => newId(p, clock.now(), random);
      const { key, secret } = await createApiKey(
        { store, clock, random, newId: ids },
        ws.id,
        options.name ?? 'cli',
      );
      process.stdout.write(
        `key ${key.id} created for workspace ${ws.id}\nAPI key: ${secret}\n(shown once; keep it safe)\n`,
      );
    }),

  'keys revoke': ([id], options) =>
    withStore(async ({ store, clock }) => {
      if (!id) throw new CliError('keys revoke needs a key id (see `kurir keys list`)');
      const ws = await pickWorkspace(store, options.workspace);
      await revokeApiKey({ store, clock }, ws.id, id);
      process.stdout.write(`key ${id} revoked\n`);
    }),
};
