import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addContacts, addSender, firstLine, servedApp } from './served-app.ts';

type Campaign = {
  status: string;
  counts: { total: number; sent: number; skipped: number; cancelled: number };
};

test('campaign verbs create, start, list, show, pause, resume, stop and clone a campaign', async () => {
  await using t = await servedApp();
  await addContacts(t, 6);
  const senderId = await addSender(t);

  const template = await t.cli('template', 'add', '--name', 'Hello', '--text', 'Hi {{firstName}}', '-q');
  assert.equal(template.code, 0, template.output);
  const templateId = firstLine(template.output);
  assert.match(templateId, /^tpl_/);

  const created = await t.cli(
    'campaign',
    'create',
    '--name',
    'Spring sale',
    '--template',
    templateId,
    '--sender',
    senderId,
    '--tag',
    'news',
    '--min',
    '2',
    '--max',
    '2',
  );
  assert.equal(created.code, 0, created.output);
  const id = firstLine(created.output);
  assert.match(id, /^cmp_/);
  assert.match(created.output, /"Spring sale" \(draft\): .*tagged news, pacing manual \(2–2 s\)/);

  const started = await t.cli('campaign', 'start', id);
  assert.equal(started.code, 0, started.output);
  assert.match(started.output, new RegExp(`Campaign ${id} running`));
  await t.runUntil(() => t.network.records.attempts().length >= 2);

  const paused = await t.cli('campaign', 'pause', id);
  assert.match(paused.output, new RegExp(`Campaign ${id} paused`));
  const atPause = await t.api<Campaign>('GET', `/v1/campaigns/${id}`);
  assert.equal(atPause.status, 'paused');

  const listed = await t.cli('campaign', 'ls');
  assert.equal(listed.code, 0, listed.output);
  const [header, row] = listed.output.trim().split('\n');
  assert.match(header ?? '', /^ID\s+NAME\s+STATUS\s+PROGRESS\s+SENT\/TOTAL$/);
  assert.match(
    row ?? '',
    new RegExp(`^${id}\\s+Spring sale\\s+paused\\s+[\\d.]+%\\s+${atPause.counts.sent}/6$`),
  );
  const running = await t.cli('campaign', 'ls', '--status', 'running');
  assert.match(running.output, /no campaigns/);

  const shown = await t.cli('campaign', 'show', id);
  assert.equal(shown.code, 0, shown.output);
  assert.match(shown.output, /status\s+paused \(user\)/);
  assert.match(shown.output, new RegExp(`counts\\s+6 total: ${atPause.counts.sent} sent`));
  assert.match(shown.output, /ETA\s+/);

  const resumed = await t.cli('campaign', 'resume', id);
  assert.match(resumed.output, new RegExp(`Campaign ${id} running`));
  await t.runUntil(() => t.network.records.attempts().length >= 3);

  const stopped = await t.cli('campaign', 'stop', id);
  assert.match(stopped.output, new RegExp(`Campaign ${id} stopped`));
  const final = await t.api<Campaign>('GET', `/v1/campaigns/${id}`);
  assert.equal(final.status, 'stopped');
  assert.equal(final.counts.cancelled, 6 - t.network.records.attempts().length);
  assert.equal(final.counts.skipped, 0);

  const shownStopped = await t.cli('campaign', 'show', id);
  assert.match(shownStopped.output, new RegExp(`0 skipped, ${final.counts.cancelled} cancelled, 0 queued`));

  const json = await t.cli('campaign', 'show', id, '--json');
  assert.equal((JSON.parse(json.output) as Campaign).status, 'stopped');

  const clone = await t.cli('campaign', 'clone', id, '-q');
  assert.equal(clone.code, 0, clone.output);
  const copy = await t.api<Campaign & { name: string }>('GET', `/v1/campaigns/${firstLine(clone.output)}`);
  assert.equal(copy.status, 'draft');
});

test("an API problem is printed with its code and each field's pointer, and exits 1", async () => {
  await using t = await servedApp();
  const senderId = await addSender(t);
  const result = await t.cli(
    'campaign',
    'create',
    '--name',
    'Mars',
    '--template',
    'tpl_doesnotexist',
    '--sender',
    senderId,
    '--window',
    'mon-fri 09:00-17:00 Mars/Olympus',
  );
  assert.equal(result.code, 1, result.output);
  assert.match(result.output, /kurir: campaign\.invalid \(422\): /);
  assert.match(result.output, /^ {2}\/templateId: is not a template of this workspace$/m);
  assert.match(result.output, /^ {2}\/window\/timezone: is not an IANA time zone/m);

  const missing = await t.cli('campaign', 'show', 'cmp_doesnotexist');
  assert.equal(missing.code, 1);
  assert.match(missing.output, /campaign\.not_found \(404\)/);
});

test('usage mistakes exit 2 without calling the API, and a missing key says how to get one', async () => {
  await using t = await servedApp();
  const cases: [string[], RegExp][] = [
    [['campaign', 'create', '--name', 'x'], /needs --template/],
    [['campaign', 'start'], /needs a campaign id/],
    [['campaign', 'pause', 'cmp_a', 'cmp_b'], /takes one campaign id/],
    [['campaign', 'ls', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['campaign', 'launch'], /unknown command: campaign launch/],
    [
      ['campaign', 'create', '--name', 'x', '--template', 't', '--sender', 's', '--window', 'soon'],
      /--window takes/,
    ],
  ];
  const results = await Promise.all(cases.map(([args]) => t.cli(...args)));
  for (const [i, [args, message]] of cases.entries()) {
    assert.equal(results[i]?.code, 2, `${args.join(' ')}: ${results[i]?.output}`);
    assert.match(results[i]?.output ?? '', message);
  }
  const noKey = await t.cli('sender', 'ls', '--key', '');
  assert.equal(noKey.code, 2, noKey.output);
  assert.match(noKey.output, /no API key: set KURIR_API_KEY or pass --key/);
  assert.match(noKey.output, /kurir keys create/);
  assert.equal(
    (await t.api<{ data: unknown[] }>('GET', '/v1/campaigns')).data.length,
    0,
    'nothing reached the API',
  );
});

test('campaign watch shows progress from the event stream and exits 0 with the final counts', async () => {
  await using t = await servedApp();
  await addContacts(t, 6);
  const senderId = await addSender(t);
  const template = await t.api<{ id: string }>('POST', '/v1/templates', { name: 'T', variants: ['Hi'] });
  const campaign = await t.api<{ id: string }>('POST', '/v1/campaigns', {
    name: 'Watched',
    templateId: template.id,
    senderIds: [senderId],
    pacing: { preset: 'manual', minSeconds: 1, maxSeconds: 1 },
  });
  await t.api('POST', `/v1/campaigns/${campaign.id}/start`);

  const watch = t.spawnCli('campaign', 'watch', campaign.id);
  try {
    await watch.waitFor(/\d\/6 sent .* running/);
    await t.runUntil(() => t.network.records.attempts().length >= 3);
    await watch.waitFor(/[3-6]\/6 sent .* running/);
    await t.runUntil(
      async () => (await t.api<Campaign>('GET', `/v1/campaigns/${campaign.id}`)).status === 'completed',
    );
    assert.equal(await watch.exited, 0, watch.output());
  } finally {
    watch.child.kill();
  }
  const lines = watch.output().trim().split('\n');
  assert.ok(lines.length >= 3, watch.output());
  assert.match(lines.at(-2) ?? '', /^\[#{20}\]\s+100\.0%\s+6\/6 sent .* completed$/);
  assert.match(
    lines.at(-1) ?? '',
    new RegExp(`^Campaign ${campaign.id} completed: 6 of 6 sent, \\d delivered`),
  );
  const percents = lines.slice(0, -1).map((l) => Number(/(\d+\.\d)%/.exec(l)?.[1]));
  assert.deepEqual(
    percents,
    [...percents].sort((a, b) => a - b),
    'progress only grows',
  );
});
