import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { startNode } from '../support/processes.ts';
import { tempDir } from '../support/stores.ts';

/**
 * What a new user does: start the server, take the key from the banner, call the API;
 * stop and start again, and the data and the key are still there.
 */
test('npm start comes up with an embedded database, prints a key once, and keeps data across restarts', async () => {
  const dataDir = tempDir('kurir-e2e');
  try {
    const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', KURIR_DEFAULT_COUNTRY: 'DE' };
    const first = startNode('src/main.ts', [], env);
    const [, url] = await first.waitFor(/listening on (http:\/\/\S+)/);
    const [, key] = await first.waitFor(/API key: (kur_[A-Za-z0-9]+)/);
    assert.ok(fs.existsSync(`${dataDir}/kurir.db`), 'SQLite file under the data directory');
    const auth = { authorization: `Bearer ${key}` };
    assert.equal((await fetch(`${url}/ready`)).status, 200);
    const created = await fetch(`${url}/v1/contacts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '0151 12345678', name: 'Ana' }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    assert.equal((await created.json()).phone, '+4915112345678');
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, first.output());
    assert.ok(!first.output().includes('"level":50'), 'no error was logged');

    const second = startNode('src/main.ts', [], env);
    const [, url2] = await second.waitFor(/listening on (http:\/\/\S+)/);
    await second.waitFor(/API key: already created/);
    const list = await fetch(`${url2}/v1/contacts`, { headers: auth });
    assert.equal(list.status, 200);
    assert.equal((await list.json()).data[0].name, 'Ana');
    assert.equal(second.output().match(/kur_[A-Za-z0-9]{40}/g), null, 'the key is not printed again');
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a bad setting stops the start with every problem listed', async () => {
  const p = startNode('src/main.ts', [], {
    PORT: 'abc',
    LOG_LEVEL: 'chatty',
    DATA_DIR: tempDir('kurir-e2e'),
  });
  assert.equal(await p.exited, 1);
  assert.match(p.output(), /PORT/);
  assert.match(p.output(), /LOG_LEVEL/);
});
