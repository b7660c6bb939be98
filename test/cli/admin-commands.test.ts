import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { runNode } from '../support/processes.ts';
import { tempDir } from '../support/stores.ts';

test('kurir workspace and keys commands manage keys on the local store', async () => {
  const dataDir = tempDir('kurir-cli');
  const env = { DATA_DIR: dataDir };
  const cli = (...args: string[]) => runNode('src/cli/main.ts', args, env);
  try {
    const none = await cli('keys', 'list');
    assert.equal(none.code, 2);
    assert.match(none.output, /no workspace yet/);

    const ws = await cli('workspace', 'create', 'Acme', '--country', 'de');
    assert.equal(ws.code, 0, ws.output);
    const [, secret] = ws.output.match(/API key: (kur_\S+)/) ?? [];
    assert.ok(secret);

    const created = await cli('keys', 'create', '--name', 'ci');
    assert.equal(created.code, 0, created.output);
    const [, keyId] = created.output.match(/key (key_\S+) created/) ?? [];
    const listed = await cli('keys', 'list');
    assert.match(listed.output, /ci/);
    assert.match(listed.output, /default/);
    assert.ok(!listed.output.includes(secret!), 'secrets are never listed');

    const revoked = await cli('keys', 'revoke', keyId!);
    assert.equal(revoked.code, 0, revoked.output);
    const last = await cli('keys', 'list', '--json');
    const keys = JSON.parse(last.output) as { id: string; revokedAt: number | null }[];
    assert.ok(keys.find((k) => k.id === keyId)?.revokedAt);

    const wrong = await cli('keys', 'frobnicate');
    assert.equal(wrong.code, 2);
    assert.match(wrong.output, /unknown command/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
