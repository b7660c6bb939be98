import type { AddressInfo } from 'node:net';
import { runNode, type Started, startNode } from '../support/processes.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

export interface ServedApp extends TestApp {
  url: string;
  /** Runs `kurir …` to completion against this app, with its key in KURIR_API_KEY. */
  cli: (...args: string[]) => Promise<{ code: number | null; output: string }>;
  /** Starts `kurir …` against this app and returns at once (for `campaign watch`). */
  spawnCli: (...args: string[]) => Started;
  /** The same request the CLI would make, answered in process. */
  api: <T = Record<string, unknown>>(method: 'GET' | 'POST', url: string, payload?: object) => Promise<T>;
}

/**
 * The test app listening on a free port, so the CLI can run as its own process against it.
 * The clock is still the test's: nothing is sent until the test moves it.
 */
export async function servedApp(): Promise<ServedApp> {
  const t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const env = { KURIR_URL: url, KURIR_API_KEY: t.auth.authorization.replace(/^Bearer /, '') };
  return Object.assign(t, {
    url,
    cli: (...args: string[]) => runNode('src/cli/main.ts', args, env),
    spawnCli: (...args: string[]) => startNode('src/cli/main.ts', args, env),
    api: async <T>(method: 'GET' | 'POST', path: string, payload?: object) => {
      const res = await t.app.inject({ method, url: path, headers: t.auth, ...(payload ? { payload } : {}) });
      if (res.statusCode >= 400) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`);
      return res.json() as T;
    },
  });
}

/** `n` contacts tagged `news` with valid German mobile numbers. */
export async function addContacts(t: ServedApp, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await t.api('POST', '/v1/contacts', { phone: `+4915112345${600 + i}`, name: `Ana ${i}`, tags: ['news'] });
  }
}

/** A paired simulator sender, as the README's default one. */
export async function addSender(t: ServedApp): Promise<string> {
  const sender = await t.api<{ id: string }>('POST', '/v1/senders', {
    name: 'Sim',
    driver: 'simulator',
    config: { phone: '+15550100001', autoPair: true },
  });
  await t.runUntil(async () => (await t.api('GET', `/v1/senders/${sender.id}`)).status === 'connected');
  return sender.id;
}

/** The id a create verb prints on its first line. */
export function firstLine(output: string): string {
  return output.split('\n')[0] ?? '';
}
