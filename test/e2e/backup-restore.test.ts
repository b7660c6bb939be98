import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { KurirProcess, SimulatorProcess } from '../support/kurir-process.ts';
import { runNode } from '../support/processes.ts';
import { startCampaign, until } from '../support/running-campaign.ts';
import { tempDir } from '../support/stores.ts';

interface Sender {
  id: string;
  name: string;
  driver: string;
}

interface Campaign {
  status: string;
  counts: { total: number };
}

/**
 * The operator's story: a backup taken while a campaign runs, restored on a fresh data
 * directory, and a server started on it with its senders (their sealed sessions opened by
 * the restored secret), campaigns, contacts and uploads as they were.
 */
test('a backup taken while a campaign runs restores into a fresh data directory that a server starts on', {
  timeout: 300_000,
}, async () => {
  const root = tempDir('kurir-restore');
  const liveDir = path.join(root, 'live');
  const restoredDir = path.join(root, 'restored');
  const backup = path.join(root, 'kurir-backup.tar');
  const simulator = new SimulatorProcess();
  const live = new KurirProcess({ DATA_DIR: liveDir, KURIR_SIMULATOR: 'off' });
  const restored = new KurirProcess({ DATA_DIR: restoredDir, KURIR_SIMULATOR: 'off' });
  const cli = (dataDir: string, ...args: string[]) => runNode('src/cli/main.ts', args, { DATA_DIR: dataDir });
  try {
    await simulator.start(['--auto-pair', '--latency', '40-80', '--no-read']);
    await live.start();
    // A sender whose session is a sealed token: start-up fails unless the secret opens it.
    const meta = await live.api<Sender>('POST', '/v1/senders', {
      name: 'Meta line',
      driver: 'cloud-api',
      config: {
        phoneNumberId: '1065403522',
        accessToken: 'EAAG-restore-token',
        appSecret: 'app-secret-restore',
        verifyToken: 'verify-restore',
        baseUrl: 'http://127.0.0.1:9/v21.0',
      },
    });
    assert.equal(meta.status, 201, JSON.stringify(meta.json));
    const form = new FormData();
    form.append('file', new Blob(['%PDF-1.4 price list'], { type: 'application/pdf' }), 'prices.pdf');
    const uploaded = await fetch(`${live.url}/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${live.key}` },
      body: form,
    });
    assert.equal(uploaded.status, 201, await uploaded.clone().text());
    const file = (await uploaded.json()) as { id: string };
    const { campaignId, senderIds } = await startCampaign(live, simulator.url, {
      recipients: 1000,
      senders: 2,
    });
    const accepted = async () => (await simulator.get<{ accepted: number }>('/records/counts')).accepted;
    await until('the campaign sending', async () => (await accepted()) >= 20);

    // Two uploads: the price list, and the CSV the contacts were imported from.
    const made = await cli(liveDir, 'backup', backup);
    assert.equal(made.code, 0, made.output);
    assert.match(made.output, /Backup written to .* the secret \(secret\.key\), 2 uploaded files/);
    assert.equal((fs.statSync(backup).mode & 0o777).toString(8), '600');
    const during = await live.api<Campaign>('GET', `/v1/campaigns/${campaignId}`);
    assert.equal(during.json.status, 'running', 'the backup was taken while the campaign ran');
    assert.equal(await live.stop(), 0, live.output());

    const unpacked = await cli(restoredDir, 'restore', backup);
    assert.equal(unpacked.code, 0, unpacked.output);
    assert.match(
      unpacked.output,
      /Restored the backup of [\s\S]*the secret \(secret\.key\), 2 uploaded files/,
    );

    restored.key = live.key;
    restored.starts = live.starts;
    await restored.start();
    const senders = await restored.api<{ data: Sender[] }>('GET', '/v1/senders');
    assert.deepEqual(senders.json.data.map((s) => s.id).sort(), [meta.json.id, ...senderIds].sort());
    const campaign = await restored.api<Campaign>('GET', `/v1/campaigns/${campaignId}`);
    assert.equal(campaign.status, 200);
    assert.equal(campaign.json.counts.total, 1000);
    assert.ok(['running', 'completed'].includes(campaign.json.status), campaign.json.status);
    const exported = await fetch(`${restored.url}/v1/contacts/export`, {
      headers: { authorization: `Bearer ${restored.key}` },
    });
    assert.equal((await exported.text()).trim().split('\n').length, 1 + 1000, 'header and every contact');
    const content = await fetch(`${restored.url}/v1/files/${file.id}/content`, {
      headers: { authorization: `Bearer ${restored.key}` },
    });
    assert.equal(await content.text(), '%PDF-1.4 price list');
    // The restored server carries on with the campaign where the snapshot left it.
    const before = await accepted();
    await until('sends from the restored server', async () => (await accepted()) > before);

    // A data directory that holds data is not overwritten, and one in use not even by force.
    const again = await cli(restoredDir, 'restore', backup);
    assert.equal(again.code, 1);
    assert.match(again.output, /is open in a running Kurir/);
    await restored.stop();
    const unforced = await cli(restoredDir, 'restore', backup);
    assert.equal(unforced.code, 1);
    assert.match(unforced.output, /already holds Kurir data .* add --force/);
  } finally {
    await live.kill();
    await restored.kill();
    await simulator.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
