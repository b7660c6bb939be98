import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../support/stores.ts';
import { addSender, firstLine, servedApp } from './served-app.ts';

test('contact add reads a national number in the default country and prints the contact', async () => {
  await using t = await servedApp();
  const added = await t.cli(
    'contact',
    'add',
    '--phone',
    '0151 12345678',
    '--name',
    'Ana Lima',
    '--tag',
    'vip',
    '--field',
    'city=Berlin',
  );
  assert.equal(added.code, 0, added.output);
  const id = firstLine(added.output);
  assert.match(added.output, /Contact \+4915112345678 Ana Lima \[vip\]/);
  const stored = await t.api<{ fields: Record<string, string> }>('GET', `/v1/contacts/${id}`);
  assert.deepEqual(stored.fields, { city: 'Berlin' });
});

test('contact import uploads a CSV, follows the job to its end and prints the report with rejected lines', async () => {
  await using t = await servedApp();
  await t.api('POST', '/v1/contacts', { phone: '+4915112345678', name: 'Ana' });
  const dir = tempDir('kurir-cli-import');
  const file = path.join(dir, 'contacts.csv');
  fs.writeFileSync(
    file,
    'phone,name,city\n+4915112345678,Ana again,Berlin\nnot a phone,Bo,Paris\n+4915112345679,Cy,Rome\n',
  );
  try {
    const imported = await t.cli('contact', 'import', file, '--on-duplicate', 'skip', '--tag', 'spring');
    assert.equal(imported.code, 0, imported.output);
    assert.match(
      imported.output,
      /^Import imp_\S+ completed.*: 3 of 3 rows — 1 imported, 0 updated, 1 skipped, 1 rejected$/m,
    );
    assert.match(imported.output, /^ {2}line 3: /m);
    const page = await t.api<{ data: { name: string; tags: string[] }[] }>('GET', '/v1/contacts?tag=spring');
    assert.deepEqual(
      page.data.map((c) => c.name),
      ['Cy'],
    );

    const wrong = await t.cli('contact', 'import', file, '--on-duplicate', 'merge');
    assert.equal(wrong.code, 2, wrong.output);
    const none = await t.cli('contact', 'import', path.join(dir, 'missing.csv'));
    assert.equal(none.code, 2, none.output);
    assert.match(none.output, /no file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('campaign audience uploads a CSV as the audience of a draft campaign and prints the import report', async () => {
  await using t = await servedApp();
  await t.api('POST', '/v1/contacts', { phone: '+4915112345677', name: 'Not in the file' });
  const template = await t.api<{ id: string }>('POST', '/v1/templates', { name: 'T', variants: ['Hi'] });
  const senderId = await addSender(t);
  const campaign = await t.api<{ id: string }>('POST', '/v1/campaigns', {
    name: 'File',
    templateId: template.id,
    senderIds: [senderId],
  });
  const dir = tempDir('kurir-cli-audience');
  const file = path.join(dir, 'audience.csv');
  fs.writeFileSync(file, 'phone,name\n+4915112345678,Ana\nnot a phone,Bo\n+4915112345679,Cy\n');
  try {
    const uploaded = await t.cli('campaign', 'audience', campaign.id, file, '--tag', 'spring');
    assert.equal(uploaded.code, 0, uploaded.output);
    assert.match(
      uploaded.output,
      /^Import imp_\S+ completed.*: 3 of 3 rows — 2 imported, 0 updated, 0 skipped, 1 rejected$/m,
    );
    const shown = await t.cli('campaign', 'show', campaign.id);
    assert.match(shown.output, /the contacts of CSV import imp_/);
    const stored = await t.api<{ audienceSize: number }>('GET', `/v1/campaigns/${campaign.id}`);
    assert.equal(stored.audienceSize, 2);
    const missing = await t.cli('campaign', 'audience', campaign.id);
    assert.equal(missing.code, 2, missing.output);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
