import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { KurirProcess } from '../support/kurir-process.ts';
import { until } from '../support/running-campaign.ts';
import { tempDir } from '../support/stores.ts';

/** Every entry under `dir` (itself included) with its permission bits, e.g. `files/ws_… 700`. */
function modes(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (entry: string) => {
    const stat = fs.lstatSync(entry);
    found.set(path.relative(dir, entry) || '.', (stat.mode & 0o777).toString(8));
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(dir);
  return found;
}

function assertOwnerOnly(dir: string): Map<string, string> {
  const found = modes(dir);
  for (const [entry, mode] of found) {
    const isDir = fs.lstatSync(path.join(dir, entry)).isDirectory();
    assert.equal(mode, isDir ? '700' : '600', `${entry} is ${mode}`);
  }
  return found;
}

async function upload(kurir: KurirProcess, route: string, name: string, body: string, type: string) {
  const form = new FormData();
  form.append('file', new Blob([body], { type }), name);
  const res = await fetch(`${kurir.url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${kurir.key}` },
    body: form,
  });
  const text = await res.text();
  assert.ok(res.status === 201 || res.status === 202, `${route}: ${res.status} ${text}`);
  return JSON.parse(text) as { id: string };
}

/**
 * The data directory holds every contact, the sealed sessions and the key that opens them:
 * nobody but the account running Kurir may read it, whatever the umask, and an installation
 * from before that rule is tightened when it starts.
 */
test('the data directory and everything Kurir writes in it are owner-only, even under umask 000', {
  timeout: 120_000,
}, async () => {
  const root = tempDir('kurir-modes');
  const dataDir = path.join(root, 'data');
  const kurir = new KurirProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  // Children inherit the umask: the most permissive one there is.
  const umask = process.umask(0o000);
  try {
    await kurir.start();
    await upload(kurir, '/v1/files', 'logo.txt', 'not really a logo', 'text/plain');
    const job = await upload(
      kurir,
      '/v1/contacts/import',
      'contacts.csv',
      'phone\n+4915112345678\n',
      'text/csv',
    );
    await until('the import', async () => {
      const r = await kurir.api<{ status: string }>('GET', `/v1/contacts/import/${job.id}`);
      return r.json.status === 'completed';
    });

    const running = assertOwnerOnly(dataDir);
    for (const entry of ['kurir.db', 'kurir.db-wal', 'kurir.db-shm', 'secret.key'])
      assert.ok(running.has(entry), `${entry} is there to check`);
    assert.equal([...running.keys()].filter((e) => /^files\/ws_\w+\/\w+$/.test(e)).length, 2, 'two uploads');

    // As Kurir left it before the rule: readable by all. The next start takes that back.
    assert.equal(await kurir.stop(), 0, kurir.output());
    for (const [entry] of modes(dataDir)) {
      const full = path.join(dataDir, entry);
      fs.chmodSync(full, fs.statSync(full).isDirectory() ? 0o755 : 0o644);
    }
    await kurir.start();
    assert.match(kurir.output(), /made the data directory readable by its owner only/);
    assertOwnerOnly(dataDir);
  } finally {
    process.umask(umask);
    await kurir.kill();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
