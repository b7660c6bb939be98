import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { classifyGraphError, graphErrorRules } from '../../../src/drivers/cloud-api/graph-error.ts';
import { projectRoot } from '../../support/processes.ts';
import { ALICE, cloudApi, text } from './cloud-api-fixture.ts';

const SECOND = 1000;

test('classifies every Graph error code Kurir acts on', () => {
  const expected: [number, string, string, number | undefined][] = [
    [130429, 'rate_limited', '130429', SECOND],
    [131056, 'rate_limited', '131056', 6 * SECOND],
    [131048, 'rate_limited', '131048', 60 * SECOND],
    [4, 'rate_limited', '4', 300 * SECOND],
    [80007, 'rate_limited', '80007', 300 * SECOND],
    [131026, 'invalid_recipient', '131026', undefined],
    [131047, 'permanent', 'outside_window', undefined],
    [131049, 'retryable', '131049', 24 * 3600 * SECOND],
    [131050, 'opted_out', '131050', undefined],
    [368, 'banned', '368', undefined],
    [131031, 'banned', '131031', undefined],
    [190, 'retryable', '190', undefined],
    [100, 'permanent', '100', undefined],
    [132000, 'permanent', '132000', undefined],
    [132001, 'permanent', '132001', undefined],
    [133010, 'permanent', '133010', undefined],
    [131000, 'retryable', '131000', undefined],
    [131016, 'retryable', '131016', undefined],
    [2, 'retryable', '2', undefined],
  ];
  for (const [code, kind, ownCode, retryAfterMs] of expected) {
    const error = classifyGraphError({ code, message: 'whatever Meta says' });
    assert.deepEqual(
      { kind: error.kind, code: error.code, retryAfterMs: error.retryAfterMs },
      { kind, code: ownCode, retryAfterMs },
      `Graph ${code}`,
    );
  }
  assert.deepEqual(Object.keys(graphErrorRules).map(Number).sort(), expected.map(([c]) => c).sort());
});

test('says what to do in the detail: a template outside the window, opted out, renew the token', () => {
  assert.match(classifyGraphError({ code: 131047 }).detail, /24-hour.*template/);
  assert.match(classifyGraphError({ code: 131050 }).detail, /stopped marketing/);
  assert.equal(
    classifyGraphError({ code: 131056 }).scope,
    'recipient',
    'the pair rate limit is per recipient',
  );
  assert.equal(classifyGraphError({ code: 130429 }).scope, undefined);
  assert.match(classifyGraphError({ code: 131026 }).detail, /not be on WhatsApp.*blocked/);
  assert.match(classifyGraphError({ code: 190 }).detail, /renew/);
  const withDetails = classifyGraphError({
    code: 100,
    error_data: { details: 'Param text.body is required' },
  });
  assert.match(withDetails.detail, /\(Graph 100: Param text\.body is required\)$/);
});

test('an unknown code is retried only when Meta answered 5xx', () => {
  assert.equal(classifyGraphError({ code: 999_999 }, 500).kind, 'retryable');
  assert.equal(classifyGraphError({ code: 999_999 }, 400).kind, 'permanent');
  assert.equal(classifyGraphError({ code: 999_999 }).kind, 'permanent');
});

test('the README lists exactly the codes of the table, with the same kind and wait', () => {
  const readme = readFileSync(`${projectRoot}/src/drivers/cloud-api/README.md`, 'utf8');
  const units: Record<string, number> = { s: SECOND, min: 60 * SECOND, h: 3600 * SECOND };
  const rows = [...readme.matchAll(/^\| (\d+) +\| (\w+)[^|]*\| *(?:(\d+) (s|min|h))? *\|/gm)].map(
    ([, code, kind, amount, unit]) =>
      `${code} ${kind} ${amount === undefined ? '-' : Number(amount) * units[unit!]!}`,
  );
  const table = Object.entries(graphErrorRules).map(
    ([code, rule]) => `${code} ${rule.kind} ${rule.retryAfterMs ?? '-'}`,
  );
  assert.deepEqual(rows.sort(), table.sort());
});

test('a send answered with an error code comes back classified, Meta taking nothing', async () => {
  await using t = await cloudApi();
  await t.connected();
  for (const [code, kind] of [
    [131047, 'permanent'],
    [131026, 'invalid_recipient'],
    [130429, 'rate_limited'],
    [131000, 'retryable'],
  ] as const) {
    t.graph.failNext(code);
    const result = await t.driver.send(text(`m-${code}`));
    assert.equal(result.ok ? 'accepted' : result.error.kind, kind, `Graph ${code}`);
    assert.equal(result.ok ? null : result.error.uncertain, undefined, 'Meta answered: the outcome is known');
  }
  assert.deepEqual(t.graph.receivedBy(ALICE), []);
  assert.equal((await t.driver.send(text('m-after'))).ok, true, 'error answers do not stop the session');
});
