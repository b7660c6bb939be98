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

test('sender secrets are sealed with KURIR_SECRET, never logged, and a wrong secret stops the start naming the sender', async () => {
  const dataDir = tempDir('kurir-e2e');
  const kurirSecret = 'kurir-e2e-secret-7d1c4b0a9e';
  const accessToken = 'EAAG-e2e-token-51f0c2';
  const appSecret = 'app-secret-e2e-93bd';
  const verifyToken = 'verify-e2e-0a4e';
  try {
    const env = {
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      KURIR_SECRET: kurirSecret,
      LOG_LEVEL: 'debug',
    };
    const first = startNode('src/main.ts', [], env);
    const [, url] = await first.waitFor(/listening on (http:\/\/\S+)/);
    const [, key] = await first.waitFor(/API key: (kur_[A-Za-z0-9]+)/);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    // A Graph API that is not there: the driver fails and logs, with the token in hand.
    const created = await fetch(`${url}/v1/senders`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'Meta line',
        driver: 'cloud-api',
        config: {
          phoneNumberId: '1065403522',
          accessToken,
          appSecret,
          verifyToken,
          baseUrl: 'http://127.0.0.1:9/v21.0',
        },
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id, webhookPath } = (await created.json()) as { id: string; webhookPath: string };
    await fetch(`${url}${webhookPath}?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=5`);
    await fetch(`${url}${webhookPath}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=5`);
    await first.waitFor(/"senderId":"[^"]+"/);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, first.output());

    const stored = fs.readFileSync(`${dataDir}/kurir.db`);
    for (const secret of [kurirSecret, accessToken, appSecret, verifyToken]) {
      assert.ok(!first.output().includes(secret), `${secret} reached the output`);
      assert.equal(stored.indexOf(secret), -1, `${secret} is readable in the database file`);
    }

    const wrong = startNode('src/main.ts', [], { ...env, KURIR_SECRET: 'not-the-one-it-was-saved-under' });
    assert.equal(await wrong.exited, 1);
    assert.match(
      wrong.output(),
      new RegExp(`KURIR_SECRET does not open the stored sessions of: Meta line \\(${id}\\)`),
    );
    assert.ok(!wrong.output().includes('not-the-one-it-was-saved-under'), 'the wrong secret is not echoed');
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
