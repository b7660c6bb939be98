import assert from 'node:assert/strict';
import type { KurirProcess } from './kurir-process.ts';

/** Polls `fn` until it answers something truthy; fails after `timeoutMs`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface CampaignSetup {
  campaignId: string;
  senderIds: string[];
}

/**
 * Imports `recipients` contacts into a Kurir process, adds `senders` auto-paired senders on
 * the simulator at `simulatorUrl`, and starts a campaign to every contact with tiny gaps.
 */
export async function startCampaign(
  kurir: KurirProcess,
  simulatorUrl: string,
  options: { recipients: number; senders: number },
): Promise<CampaignSetup> {
  const csv = [
    'phone,name',
    ...Array.from({ length: options.recipients }, (_, i) => `+49151${String(30_000_000 + i)},Person ${i}`),
  ].join('\n');
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'contacts.csv');
  const imported = await fetch(`${kurir.url}/v1/contacts/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${kurir.key}` },
    body: form,
  });
  assert.equal(imported.status, 202, await imported.clone().text());
  const job = (await imported.json()) as { id: string };
  await until('the import', async () => {
    const r = await kurir.api<{ status: string }>('GET', `/v1/contacts/import/${job.id}`);
    return r.json.status === 'completed';
  });
  const template = await kurir.api<{ id: string }>('POST', '/v1/templates', {
    name: 'Hello',
    variants: ['Hello {{name}}'],
  });
  assert.equal(template.status, 201, JSON.stringify(template.json));
  const senderIds: string[] = [];
  for (let i = 0; i < options.senders; i++) {
    const phone = `+1555030${String(1000 + i)}`;
    const r = await kurir.api<{ id: string }>('POST', '/v1/senders', {
      name: `Line ${i + 1}`,
      driver: 'simulator',
      config: { phone, url: simulatorUrl, autoPair: true },
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    senderIds.push(r.json.id);
  }
  await until('senders connected', async () => {
    const r = await kurir.api<{ data: { status: string }[] }>('GET', '/v1/senders');
    return r.json.data.filter((s) => s.status === 'connected').length >= options.senders;
  });
  const campaign = await kurir.api<{ id: string }>('POST', '/v1/campaigns', {
    name: 'Running',
    templateId: template.json.id,
    senderIds,
    pacing: { preset: 'manual', minSeconds: 0.005, maxSeconds: 0.02 },
  });
  assert.equal(campaign.status, 201, JSON.stringify(campaign.json));
  const started = await kurir.api('POST', `/v1/campaigns/${campaign.json.id}/start`);
  assert.equal(started.status, 200, JSON.stringify(started.json));
  return { campaignId: campaign.json.id, senderIds };
}
