import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SendResult } from '../../../src/drivers/driver.ts';
import { SimulatorError } from '../../../src/drivers/simulator/simulator-error.ts';
import { ALICE, networkFixture, SENDER, text } from './network-fixture.ts';

test('latency delays the answer on the clock, but the part is taken at once', async () => {
  const { network, clock, connected } = networkFixture({ faults: { latencyMs: [500, 500] } });
  connected();
  let answer: SendResult | null = null;
  const pending = network.send(SENDER, text('m1', ALICE)).then((r) => {
    answer = r;
  });
  assert.equal(network.records.receivedBy(ALICE).length, 1, 'recorded before the answer');
  clock.advance(499);
  await Promise.resolve();
  assert.equal(answer, null);
  clock.advance(1);
  await pending;
  assert.deepEqual(answer, { ok: true, providerId: 'm1' });
});

test('closing the network settles answers still waiting on latency', async () => {
  const { network, connected } = networkFixture({ faults: { latencyMs: [10_000, 10_000] } });
  connected();
  const pending = network.send(SENDER, text('m1', ALICE));
  await network.close();
  assert.equal((await pending).ok, true);
});

test('injected failures are retryable and deliver nothing, at about the set rate', async () => {
  const { network, connected } = networkFixture();
  connected();
  network.setFaults({ failureRate: 0.3 });
  let failed = 0;
  for (let i = 0; i < 1000; i++) {
    const result = await network.send(SENDER, text(`m${i}`, ALICE));
    if (!result.ok) {
      assert.deepEqual([result.error.kind, result.error.code], ['retryable', 'network_failure']);
      failed += 1;
    }
  }
  assert.ok(failed > 240 && failed < 360, `${failed} of 1000 failed`);
  assert.equal(network.records.receivedBy(ALICE).length, 1000 - failed);
  network.setFaults({ failureRate: 0 });
  assert.equal((await network.send(SENDER, text('last', ALICE))).ok, true);
});

test('a sender that exceeds the ban threshold is banned and refused from then on', async () => {
  const { network, clock, connected, events } = networkFixture();
  connected();
  network.setFaults({ banThreshold: { maxSends: 3, windowMs: 60_000 } });
  for (const id of ['m1', 'm2', 'm3']) {
    assert.equal((await network.send(SENDER, text(id, ALICE))).ok, true);
    clock.advance(10_000);
  }
  const fourth = await network.send(SENDER, text('m4', ALICE));
  assert.deepEqual(fourth.ok ? null : [fourth.error.kind, fourth.error.code], ['banned', 'rate_exceeded']);
  assert.deepEqual(events.at(-1), { type: 'banned', reason: 'rate_exceeded' });
  clock.advance(3_600_000);
  const later = await network.send(SENDER, text('m5', ALICE));
  assert.equal(later.ok ? null : later.error.kind, 'banned');
  assert.equal(network.records.receivedBy(ALICE).length, 3);
});

test('sends spread beyond the ban window are not counted against the sender', async () => {
  const { network, clock, connected } = networkFixture({
    faults: { banThreshold: { maxSends: 2, windowMs: 1000 } },
  });
  connected();
  for (let i = 0; i < 10; i++) {
    assert.equal((await network.send(SENDER, text(`m${i}`, ALICE))).ok, true);
    clock.advance(600);
  }
  assert.equal(network.senderState(SENDER)?.status, 'connected');
});

test('nonsensical fault settings are refused and leave the settings as they were', () => {
  const { network } = networkFixture();
  assert.throws(
    () => network.setFaults({ failureRate: 2 }),
    (e: SimulatorError) => e.code === 'simulator.invalid_request',
  );
  assert.throws(() => network.setFaults({ latencyMs: [50, 10] }), SimulatorError);
  assert.throws(() => network.setReceipts({ deliveredAfterMs: [-1, 10] }), SimulatorError);
  assert.equal(network.faults.failureRate, 0);
  assert.equal(network.faults.latencyMs, null);
});
