import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runNode } from '../support/processes.ts';
import { tempDir } from '../support/stores.ts';

test('kurir backup and restore on PostgreSQL explain pg_dump and the secret instead', async () => {
  const env = { DATABASE_URL: 'postgres://kurir:kurir@127.0.0.1:5432/kurir_test' };
  for (const verb of ['backup', 'restore']) {
    const { code, output } = await runNode('src/cli/main.ts', [verb, 'kurir.tar'], env);
    assert.equal(code, 2, output);
    assert.match(output, /uses PostgreSQL/);
    assert.match(output, /pg_dump --format=custom/);
    assert.match(output, /pg_restore/);
    assert.match(output, /KURIR_SECRET/);
  }
});

test('kurir backup says what is missing: the file, or a database to back up', async () => {
  const dataDir = tempDir('kurir-cli');
  try {
    const none = await runNode('src/cli/main.ts', ['backup'], { DATA_DIR: dataDir });
    assert.equal(none.code, 2);
    assert.match(none.output, /backup needs a file/);
    const empty = await runNode('src/cli/main.ts', ['backup', path.join(dataDir, 'b.tar')], {
      DATA_DIR: dataDir,
    });
    assert.equal(empty.code, 1);
    assert.match(empty.output, /there is no database at .*kurir\.db/);
    const missing = await runNode('src/cli/main.ts', ['restore', path.join(dataDir, 'nope.tar')], {
      DATA_DIR: dataDir,
    });
    assert.equal(missing.code, 1);
    assert.match(missing.output, /nope\.tar does not exist/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
