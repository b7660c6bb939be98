import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { KurirProcess, SimulatorProcess } from '../support/kurir-process.ts';
import { SeededRandom } from '../support/seeded-random.ts';
import { tempDir } from '../support/stores.ts';

const RECIPIENTS = 2000;
const SENDERS = 4;
const phoneOf = (i: number) => `+49151${String(20_000_000 + i)}`;
const expectedText = (i: number) => `Hello Person ${i}, your code is C${i}`;

interface Scenario {
  name: string;
  simulatorArgs: string[];
  idempotentIds: boolean;
  kills: number;
  /** Log one sender out at this many attempts (before the first crash, see below). */
  logoutAt?: number;
  attempts?: number;
  seed: number;
}

interface Received {
  from: string;
  messageId: string;
  text: string | null;
}

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 180_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The acceptance run: a 2,000-recipient campaign over 4 senders with short gaps, Kurir
 * SIGKILLed and restarted at least 5 times while the simulator — its own process — keeps
 * the record of what each recipient received and of every attempt.
 */
async function runScenario(s: Scenario) {
  const random = new SeededRandom(s.seed);
  const dataDir = tempDir('kurir-crash');
  const simulator = new SimulatorProcess();
  const kurir = new KurirProcess({
    DATA_DIR: dataDir,
    KURIR_SIMULATOR: 'off',
    KURIR_RECONCILE_GRACE_MS: '3000',
    KURIR_SEND_ATTEMPTS: String(s.attempts ?? 3),
  });
  try {
    await simulator.start(['--auto-pair', '--delivered-after', '20-200', '--no-read', ...s.simulatorArgs]);
    await kurir.start();

    const csv = [
      'phone,name,code',
      ...Array.from({ length: RECIPIENTS }, (_, i) => `${phoneOf(i)},Person ${i},C${i}`),
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
      const r = await kurir.api<{ status: string; counts: { imported: number } }>(
        'GET',
        `/v1/contacts/import/${job.id}`,
      );
      return r.json.status === 'completed' && r.json;
    });

    const template = await kurir.api<{ id: string }>('POST', '/v1/templates', {
      name: 'Crash',
      variants: ['Hello {{name}}, your code is {{code}}'],
    });
    assert.equal(template.status, 201, JSON.stringify(template.json));
    const senderPhones = Array.from({ length: SENDERS }, (_, i) => `+1555020${String(1000 + i)}`);
    const senderIds: string[] = [];
    for (const phone of senderPhones) {
      const r = await kurir.api<{ id: string }>('POST', '/v1/senders', {
        name: phone,
        driver: 'simulator',
        config: { phone, url: simulator.url, autoPair: true, idempotentIds: s.idempotentIds },
      });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      senderIds.push(r.json.id);
    }
    await until('senders connected', async () => {
      const r = await kurir.api<{ data: { status: string }[] }>('GET', '/v1/senders');
      return r.json.data.every((x) => x.status === 'connected');
    });
    const campaign = await kurir.api<{ id: string }>('POST', '/v1/campaigns', {
      name: s.name,
      templateId: template.json.id,
      senderIds,
      pacing: { preset: 'manual', minSeconds: 0.005, maxSeconds: 0.02 },
    });
    assert.equal(campaign.status, 201, JSON.stringify(campaign.json));
    assert.equal((await kurir.api('POST', `/v1/campaigns/${campaign.json.id}/start`)).status, 200);

    const attempts = async () => (await simulator.get<{ attempts: number }>('/records/counts')).attempts;
    if (s.logoutAt !== undefined) {
      // Before the first crash, so no re-send is pinned to the sender that leaves.
      await until('the logout point', async () => (await attempts()) >= (s.logoutAt as number));
      await simulator.post(`/senders/${encodeURIComponent(senderPhones[1] as string)}/logout`, {
        reason: 'test',
      });
    }
    // Kill points are facts (so many attempts on the network), spread over the run.
    const killAt = Array.from({ length: s.kills }, (_, k) =>
      Math.round(((k + 0.5 + random.next() * 0.5) * RECIPIENTS * 0.8) / s.kills),
    );
    for (const at of killAt) {
      await until(`attempt ${at}`, async () => (await attempts()) >= at);
      await kurir.kill();
      await kurir.start();
    }
    const done = await until('the campaign to complete', async () => {
      const r = await kurir.api<{ status: string; counts: Record<string, number> }>(
        'GET',
        `/v1/campaigns/${campaign.json.id}`,
      );
      return r.json.status === 'completed' && r.json;
    });

    const received = (await simulator.get<{ recipients: Record<string, Received[]> }>('/records/received'))
      .recipients;
    const counts = await simulator.get<Record<string, unknown>>('/records/counts');
    const nonFinal = await kurir.api<{ data: unknown[] }>(
      'GET',
      `/v1/campaigns/${campaign.json.id}/messages?state=queued&state=sending`,
    );
    const failed = await kurir.api<{ data: { phone: string; reason: string }[] }>(
      'GET',
      `/v1/campaigns/${campaign.json.id}/messages?state=failed&limit=500`,
    );
    const perRecipient = new Map<number, number>();
    for (const list of Object.values(received))
      perRecipient.set(list.length, (perRecipient.get(list.length) ?? 0) + 1);
    console.log(
      `[${s.name}] kurir starts: ${kurir.starts}; simulator counts: ${JSON.stringify(counts)}; ` +
        `recipients by messages received: ${JSON.stringify(Object.fromEntries(perRecipient))}; ` +
        `campaign counts: ${JSON.stringify(done.counts)}; failed: ${JSON.stringify(failed.json.data.map((f) => f.reason))}`,
    );
    return {
      received,
      counts,
      done,
      nonFinal: nonFinal.json.data,
      failed: failed.json.data,
      starts: kurir.starts,
    };
  } finally {
    await kurir.kill();
    await simulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function assertExactlyOnce(result: Awaited<ReturnType<typeof runScenario>>, allowFailures: boolean) {
  assert.ok(result.starts >= 6, `Kurir was killed ${result.starts - 1} times`);
  assert.deepEqual(result.nonFinal, [], 'every message row is final');
  const failedPhones = new Set(result.failed.map((f) => f.phone));
  for (let i = 0; i < RECIPIENTS; i++) {
    const got = result.received[phoneOf(i)] ?? [];
    assert.ok(got.length <= 1, `${phoneOf(i)} received ${got.length} messages`);
    if (got.length === 1) assert.equal(got[0]?.text, expectedText(i), `the text rendered for ${phoneOf(i)}`);
    if (got.length === 0)
      assert.ok(
        allowFailures && failedPhones.has(phoneOf(i)),
        `${phoneOf(i)} received nothing and its row did not fail`,
      );
  }
}

test('exactly once through 5 SIGKILLs with a driver whose ids are idempotent', {
  timeout: 600_000,
}, async () => {
  const result = await runScenario({
    name: 'idempotent',
    simulatorArgs: [],
    idempotentIds: true,
    kills: 5,
    seed: 1,
  });
  assertExactlyOnce(result, false);
  assert.deepEqual(
    result.failed,
    [],
    'nothing failed: re-sends after crashes were deduplicated by the network',
  );
  assert.equal(Object.keys(result.received).length, RECIPIENTS);
});

test('exactly once through 5 SIGKILLs with 5% failures and a sender logged out mid-campaign', {
  timeout: 600_000,
}, async () => {
  const result = await runScenario({
    name: 'faults',
    simulatorArgs: ['--failure-rate', '0.05'],
    idempotentIds: true,
    kills: 5,
    logoutAt: 120,
    attempts: 6,
    seed: 2,
  });
  assertExactlyOnce(result, false);
  assert.equal(Object.keys(result.received).length, RECIPIENTS);
});

test('no recipient gets two messages without dedup; unknown outcomes fail and are counted', {
  timeout: 600_000,
}, async () => {
  const result = await runScenario({
    name: 'no-dedup',
    simulatorArgs: ['--no-dedup'],
    idempotentIds: false,
    kills: 5,
    seed: 3,
  });
  assertExactlyOnce(result, true);
  const unknown = result.failed.filter((f) => f.reason === 'unknown_outcome').length;
  assert.equal(result.failed.length, unknown, 'the only failures are unknown outcomes');
  assert.equal(result.done.counts.failed, result.failed.length);
  console.log(`[no-dedup] rows failed as unknown_outcome: ${unknown}`);
});
