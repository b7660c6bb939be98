import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { pino } from 'pino';
import { awaitStopRequest, type SignalledProcess, type StopReason } from '../../src/system/stop-request.ts';
import { ManualClock } from '../support/manual-clock.ts';

/** A stand-in for `process`: signals are emitted by the test, exits are recorded. */
class FakeProcess extends EventEmitter implements SignalledProcess {
  ppid = 4242;
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

function setup(options: { graceMs?: number; followLauncher?: boolean } = {}) {
  const clock = new ManualClock();
  const proc = new FakeProcess();
  let reason: StopReason | null = null;
  void awaitStopRequest({
    process: proc,
    clock,
    log: pino({ level: 'silent' }),
    graceMs: options.graceMs ?? 8000,
    followLauncher: options.followLauncher ?? false,
  }).then((r) => {
    reason = r;
  });
  return { clock, proc, reason: () => reason };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

test('the first SIGTERM or SIGINT asks to stop, without exiting', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const { proc, reason } = setup();
    proc.emit(signal);
    await settled();
    assert.equal(reason(), signal);
    assert.deepEqual(proc.exits, []);
  }
});

test('a stop that takes longer than the grace period exits with 1', async () => {
  const { clock, proc } = setup({ graceMs: 5000 });
  proc.emit('SIGTERM');
  clock.advance(4999);
  assert.deepEqual(proc.exits, []);
  clock.advance(1);
  assert.deepEqual(proc.exits, [1]);
});

test('a second signal exits at once, unless it is the first one forwarded by npm within a second', async () => {
  const { clock, proc } = setup();
  proc.emit('SIGINT');
  clock.advance(200);
  proc.emit('SIGINT');
  assert.deepEqual(proc.exits, [], 'the Ctrl-C npm forwards is the same request');
  clock.advance(1000);
  proc.emit('SIGTERM');
  assert.deepEqual(proc.exits, [1]);
});

test('started by npm, it asks to stop when npm is gone', async () => {
  const { clock, proc, reason } = setup({ followLauncher: true });
  clock.advance(5000);
  await settled();
  assert.equal(reason(), null, 'npm still there');
  proc.ppid = 1;
  clock.advance(1000);
  await settled();
  assert.equal(reason(), 'launcher_gone');
  assert.equal(clock.pendingTimers, 1, 'only the grace period runs; the launcher is no longer checked');
});

test('not started by npm, a lost parent is no reason to stop', async () => {
  const { clock, proc, reason } = setup({ followLauncher: false });
  proc.ppid = 1;
  clock.advance(10_000);
  await settled();
  assert.equal(reason(), null);
  assert.equal(clock.pendingTimers, 0);
});
