import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine, servedApp } from './served-app.ts';

test('sender verbs add, list, pause, resume and log out a simulator sender', async () => {
  await using t = await servedApp();
  const added = await t.cli(
    'sender',
    'add',
    '--name',
    'Shop phone',
    '--phone',
    '+15550100009',
    '--auto-pair',
  );
  assert.equal(added.code, 0, added.output);
  const id = firstLine(added.output);
  assert.match(id, /^snd_/);
  assert.match(added.output, /Sender "Shop phone" \(\+15550100009\) (pairing|connected)/);
  await t.runUntil(async () => (await t.api('GET', `/v1/senders/${id}`)).status === 'connected');

  const listed = await t.cli('sender', 'ls');
  assert.match(listed.output, /^ID\s+NAME\s+DRIVER\s+PHONE\s+STATUS\s+HEALTH$/m);
  assert.match(
    listed.output,
    new RegExp(`^${id}\\s+Shop phone\\s+simulator\\s+\\+15550100009\\s+connected\\s+100$`, 'm'),
  );

  const paused = await t.cli('sender', 'pause', id);
  assert.match(paused.output, new RegExp(`Sender ${id} paused \\(paused by a user\\)`));
  const resumed = await t.cli('sender', 'resume', id);
  assert.match(resumed.output, new RegExp(`Sender ${id} connected`));
  const loggedOut = await t.cli('sender', 'logout', id);
  assert.equal(loggedOut.code, 0, loggedOut.output);
  assert.equal((await t.api('GET', `/v1/senders/${id}`)).status, 'logged_out');

  const twice = await t.cli('sender', 'add', '--name', 'Again', '--phone', '+15550100009');
  assert.equal(twice.code, 1, twice.output);
  assert.match(twice.output, /sender\.invalid \(422\)/);
  assert.match(twice.output, /^ {2}\/config\/phone: is already a sender of this workspace$/m);
});

test('sender qr draws the code a new simulator sender waits on', async () => {
  await using t = await servedApp();
  const added = await t.cli('sender', 'add', '--name', 'Desk', '--phone', '+15550100010', '-q');
  const id = firstLine(added.output);
  await t.runUntil(async () => (await t.api('GET', `/v1/senders/${id}/qr`)).qr !== null);
  const drawn = await t.cli('sender', 'qr', id);
  assert.equal(drawn.code, 0, drawn.output);
  assert.match(drawn.output, /[▀▄█]/);
  assert.match(drawn.output, /Linked devices/);

  const json = await t.cli('sender', 'qr', id, '--json');
  assert.equal(JSON.parse(json.output).status, 'pairing');

  const unknown = await t.cli('sender', 'qr', 'snd_missing');
  assert.equal(unknown.code, 1, unknown.output);
  assert.match(unknown.output, /sender\.not_found \(404\)/);
});
