import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  finalSummary,
  fitWidth,
  formatDuration,
  isFinished,
  type ProgressView,
  progressBar,
  progressLine,
} from '../../src/cli/progress-bar.ts';

const view = (over: Partial<ProgressView> = {}): ProgressView => ({
  status: 'running',
  pauseReason: null,
  counts: { total: 12, sent: 3, delivered: 2, read: 1, failed: 0, skipped: 0, cancelled: 0 },
  progress: { percent: 25, observedPerMinute: 6, plannedPerMinute: 4, etaSeconds: 90 },
  ...over,
});

test('the bar fills one mark per twentieth and stays inside its brackets for any percent', () => {
  assert.equal(progressBar(0), `[${'.'.repeat(20)}]`);
  assert.equal(progressBar(25), `[#####${'.'.repeat(15)}]`);
  assert.equal(progressBar(99.9), `[${'#'.repeat(19)}.]`);
  assert.equal(progressBar(100), `[${'#'.repeat(20)}]`);
  assert.equal(progressBar(250), progressBar(100));
  assert.equal(progressBar(-5), progressBar(0));
  assert.equal(progressBar(Number.NaN), progressBar(0));
  assert.equal(progressBar(50, 4), '[##..]');
});

test('durations show at most two units', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(45.4), '45s');
  assert.equal(formatDuration(185), '3m 05s');
  assert.equal(formatDuration(7800), '2h 10m');
  assert.equal(formatDuration(3 * 86_400 + 4 * 3600 + 59), '3d 4h');
  assert.equal(formatDuration(-3), '0s');
});

test('a running campaign shows percent, each count of the total, the observed rate and the ETA', () => {
  assert.equal(
    progressLine(view()),
    `[#####${'.'.repeat(15)}]   25.0%  3/12 sent  2 delivered  1 read  0 failed  0 skipped  6.0/min  ETA 1m 30s  running`,
  );
});

test('without observed sends the planned rate is shown as an estimate, and an unknown ETA as a dash', () => {
  const line = progressLine(
    view({ progress: { percent: 0, observedPerMinute: 0, plannedPerMinute: 2.4, etaSeconds: null } }),
  );
  assert.match(line, / ~2\.4\/min {2}ETA - {2}running$/);
});

test('a paused campaign says why; a finished one drops rate and ETA', () => {
  assert.match(progressLine(view({ status: 'paused', pauseReason: 'no_sender' })), /paused \(no_sender\)$/);
  const done = progressLine(
    view({
      status: 'completed',
      counts: { total: 12, sent: 11, delivered: 10, read: 4, failed: 1, skipped: 0, cancelled: 0 },
      progress: { percent: 100, observedPerMinute: 6, plannedPerMinute: 4, etaSeconds: 0 },
    }),
  );
  assert.equal(
    done,
    `[${'#'.repeat(20)}]  100.0%  11/12 sent  10 delivered  4 read  1 failed  0 skipped  completed`,
  );
  assert.ok(isFinished('completed') && isFinished('stopped') && isFinished('failed'));
  assert.ok(!isFinished('running') && !isFinished('paused') && !isFinished('draft'));
});

test('the final summary names the campaign, its status and every count', () => {
  assert.equal(
    finalSummary('cmp_1', view({ status: 'completed' })),
    'Campaign cmp_1 completed: 3 of 12 sent, 2 delivered, 1 read, 0 failed, 0 skipped',
  );
});

test('a stopped campaign counts what it never sent as cancelled, apart from the skipped', () => {
  const stopped = view({
    status: 'stopped',
    counts: { total: 12, sent: 3, delivered: 2, read: 1, failed: 0, skipped: 1, cancelled: 8 },
  });
  assert.equal(
    finalSummary('cmp_1', stopped),
    'Campaign cmp_1 stopped: 3 of 12 sent, 2 delivered, 1 read, 0 failed, 1 skipped, 8 cancelled',
  );
  assert.match(progressLine(stopped), / {2}1 skipped {2}8 cancelled {2}stopped$/);
});

test('a running campaign outside its window says when it opens, in the window’s own time zone', () => {
  const waiting = view({
    progress: { percent: 25, observedPerMinute: 0, plannedPerMinute: 4, etaSeconds: 64 * 3600 },
    windowOpensAt: '2026-03-30T07:00:00.000Z',
    window: { timezone: 'Europe/Berlin' },
  });
  assert.match(
    progressLine(waiting),
    / {2}ETA 2d 16h {2}running, waiting for window, opens at 2026-03-30 09:00 Europe\/Berlin$/,
  );
  assert.match(progressLine({ ...waiting, status: 'paused', pauseReason: 'user' }), /paused \(user\)$/);
});

test('a line longer than the terminal is cut to fit one row', () => {
  assert.equal(fitWidth('abcdef', 80), 'abcdef');
  assert.equal(fitWidth('abcdef', 5), 'abc…');
  assert.equal(fitWidth('abcdef', undefined), 'abcdef');
});
