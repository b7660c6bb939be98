import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { runNode, startNode } from '../support/processes.ts';
import { tempDir } from '../support/stores.ts';

interface SenderJson {
  id: string;
  name: string;
  driver: string;
  status: string;
  phone: string | null;
  config: { phone: string };
}

test('every workspace gets a simulator sender with its own number: at first start, and from kurir workspace create while the server runs', async () => {
  const dataDir = tempDir('kurir-e2e');
  const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
  const server = startNode('src/main.ts', [], env);
  try {
    const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/);
    const [, key] = await server.waitFor(/API key: (kur_[A-Za-z0-9]+)/);
    await server.waitFor(/Simulator: built in; new workspaces get a ready sender/);
    const senders = async (k: string): Promise<SenderJson[]> => {
      const res = await fetch(`${url}/v1/senders`, { headers: { authorization: `Bearer ${k}` } });
      assert.equal(res.status, 200);
      return ((await res.json()) as { data: SenderJson[] }).data;
    };
    /** The server logs each connection change; a paired simulator sender connects at once. */
    const connected = (id: string) =>
      server.waitFor(new RegExp(`"senderId":"${id}","connection":"connected"`));

    const [first, ...none] = await senders(key as string);
    assert.ok(first);
    assert.deepEqual(none, []);
    assert.equal(first.name, 'Simulator');
    assert.match(first.config.phone, /^\+155501\d{5}$/);
    await connected(first.id);

    const created = await runNode('src/cli/main.ts', ['workspace', 'create', 'Agency client'], env);
    assert.equal(created.code, 0, created.output);
    const [, otherKey] = created.output.match(/API key: (kur_\S+)/) ?? [];
    assert.ok(otherKey, created.output);
    assert.match(created.output, /simulator sender snd_\S+ \(\+155501\d{5}\)/);
    const [second, ...more] = await senders(otherKey);
    assert.ok(second, 'the new workspace has a sender');
    assert.deepEqual(more, []);
    assert.equal(second.driver, 'simulator');
    assert.notEqual(second.config.phone, first.config.phone, 'two workspaces, two simulated accounts');
    await connected(second.id);
    const [now] = await senders(otherKey);
    assert.equal(now?.status, 'connected');
    assert.equal(now?.phone, second.config.phone);
    // Its simulator answers to its key, for its own number only.
    const write = (k: string, to: string) =>
      fetch(`${url}/simulator/inbound`, {
        method: 'POST',
        headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
        body: JSON.stringify({ from: '+5511987654321', to, text: 'Olá!' }),
      });
    assert.equal((await write(otherKey, second.config.phone)).status, 201);
    assert.equal((await write(otherKey, first.config.phone)).status, 422);

    const plain = await runNode('src/cli/main.ts', ['workspace', 'create', 'No simulator'], {
      ...env,
      KURIR_SIMULATOR: 'off',
    });
    assert.equal(plain.code, 0, plain.output);
    assert.doesNotMatch(plain.output, /simulator sender/);
    const [, plainKey] = plain.output.match(/API key: (kur_\S+)/) ?? [];
    assert.deepEqual(await senders(plainKey as string), []);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
