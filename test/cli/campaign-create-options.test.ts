import assert from 'node:assert/strict';
import { test } from 'node:test';
import { campaignCreateBody, parseWindow } from '../../src/cli/campaign-create-options.ts';
import { CliError } from '../../src/cli/cli-error.ts';

const base = { name: 'Spring', template: 'tpl_1', sender: ['snd_1'] };

test('a window is days, local hours and a zone; day ranges may wrap over the weekend', () => {
  assert.deepEqual(parseWindow('mon-fri 09:00-17:00 Europe/Berlin'), {
    days: [1, 2, 3, 4, 5],
    from: '09:00',
    to: '17:00',
    timezone: 'Europe/Berlin',
  });
  assert.deepEqual(parseWindow('fri-mon 22:00-6:30 UTC').days, [1, 5, 6, 7]);
  assert.equal(parseWindow('fri-mon 22:00-6:30 UTC').to, '06:30');
  assert.deepEqual(parseWindow('Monday,wed,sat-sun 08:00 - 12:00 America/New_York').days, [1, 3, 6, 7]);
  assert.deepEqual(parseWindow('09:00-17:00 Asia/Tokyo').days, [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(parseWindow('daily 09:00-17:00 Asia/Tokyo').days, [1, 2, 3, 4, 5, 6, 7]);
  for (const bad of [
    'mon-fri 9-17 Europe/Berlin',
    'funday 09:00-17:00 UTC',
    'mon 24:00-17:00 UTC',
    'mon 09:00-17:00',
  ]) {
    assert.throws(() => parseWindow(bad), CliError, bad);
  }
});

test('flags become the API body: audience parts, manual pacing with batches and typing, window and start', () => {
  assert.deepEqual(
    campaignCreateBody({
      ...base,
      sender: ['snd_1', 'snd_2'],
      tag: ['vip', 'news'],
      status: ['lead'],
      field: ['city=Berlin', 'note=a=b'],
      contact: ['ct_1'],
      min: '4',
      max: '8',
      'batch-every': '10',
      'batch-min': '20',
      'batch-max': '40',
      typing: true,
      window: 'mon-fri 09:00-17:00 Europe/Berlin',
      'start-at': '2026-05-01T08:00:00Z',
    }),
    {
      name: 'Spring',
      templateId: 'tpl_1',
      senderIds: ['snd_1', 'snd_2'],
      audience: {
        tags: ['vip', 'news'],
        status: ['lead'],
        fields: { city: 'Berlin', note: 'a=b' },
        contactIds: ['ct_1'],
      },
      pacing: {
        preset: 'manual',
        minSeconds: 4,
        maxSeconds: 8,
        batch: { every: 10, minSeconds: 20, maxSeconds: 40 },
        typing: true,
      },
      window: { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00', timezone: 'Europe/Berlin' },
      startAt: '2026-05-01T08:00:00Z',
    },
  );
});

test('without pacing flags the server default applies; a preset alone is sent alone', () => {
  assert.deepEqual(campaignCreateBody(base), { name: 'Spring', templateId: 'tpl_1', senderIds: ['snd_1'] });
  assert.deepEqual(campaignCreateBody({ ...base, pacing: 'short' }).pacing, { preset: 'short' });
  assert.deepEqual(campaignCreateBody({ ...base, typing: true }).pacing, { preset: 'medium', typing: true });
});

test('missing or contradictory flags are usage errors before anything is sent', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ template: 'tpl_1', sender: ['snd_1'] }, /--name/],
    [{ name: 'x', sender: ['snd_1'] }, /--template/],
    [{ name: 'x', template: 'tpl_1' }, /--sender/],
    [{ ...base, pacing: 'turbo' }, /--pacing is one of/],
    [{ ...base, pacing: 'manual' }, /needs --min/],
    [{ ...base, pacing: 'short', min: '1' }, /short has its own/],
    [{ ...base, min: 'four' }, /--min takes seconds/],
    [{ ...base, 'batch-every': '0', 'batch-min': '1' }, /--batch-every/],
    [{ ...base, 'batch-every': '5' }, /needs --batch-min/],
    [{ ...base, field: ['city'] }, /key=value/],
  ];
  for (const [flags, message] of cases) {
    assert.throws(
      () => campaignCreateBody(flags),
      (e: unknown) => e instanceof CliError && message.test(e.message),
    );
  }
});
