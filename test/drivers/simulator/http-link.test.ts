import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SendResult } from '../../../src/drivers/driver.ts';
import { HttpLink } from '../../../src/drivers/simulator/http-link.ts';
import { SimulatorDriver } from '../../../src/drivers/simulator/simulator-driver.ts';
import { SimulatorNetwork } from '../../../src/drivers/simulator/simulator-network.ts';
import { createSimulatorServer } from '../../../src/drivers/simulator/simulator-server.ts';
import { SystemClock } from '../../../src/system/system-clock.ts';
import { DriverEventRecorder } from '../../contract/driver-event-recorder.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { startNode } from '../../support/processes.ts';
import { SeededRandom } from '../../support/seeded-random.ts';
import { ALICE, SENDER, text } from './network-fixture.ts';

/** A network on a manual clock served on a free local port. */
async function served(options: ConstructorParameters<typeof SimulatorNetwork>[1] = {}) {
  const clock = new ManualClock();
  const network = new SimulatorNetwork({ clock, random: new SeededRandom(9) }, options);
  const server = await createSimulatorServer({ network, clock });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    clock,
    network,
    server,
    url,
    async [Symbol.asyncDispose]() {
      await server.close();
      await network.close();
    },
  };
}

test('receipts a killed driver process never acknowledged reach the next driver', async () => {
  await using sim = await served({ receipts: { deliveredAfterMs: [100, 100], readAfterMs: null } });
  sim.network.createSender(SENDER, { autoPair: true });
  const child = startNode('test/drivers/simulator/crashing-driver-process.ts', [sim.url, SENDER, 'm2'], {});
  try {
    await child.waitFor(/connected/);
    for (const id of ['m1', 'm2', 'm3'])
      assert.equal((await sim.network.send(SENDER, text(id, ALICE))).ok, true);
    sim.clock.advance(100);
    await child.waitFor(/stuck m2/);
  } finally {
    child.child.kill('SIGKILL');
  }
  await child.exited;
  const persisted = [...child.output().matchAll(/persisted (\w+)/g)].map((m) => m[1]);
  // m3 may have been stored too (events are handed over without waiting for the one
  // before), but only m1 was acknowledged: m2 was never stored.
  assert.ok(persisted.includes('m1') && !persisted.includes('m2'), `the dead process stored ${persisted}`);

  const clock = new SystemClock();
  await using driver = new SimulatorDriver({
    link: new HttpLink({ baseUrl: sim.url, clock }),
    clock,
    sender: SENDER,
  });
  const events = new DriverEventRecorder(driver);
  await driver.connect();
  await events.waitFor('receipt', (e) => e.messageId === 'm3');
  const replayed = events.events.flatMap((e) => (e.type === 'receipt' ? [e.messageId] : []));
  assert.ok(replayed.includes('m2') && replayed.includes('m3'), `replayed ${replayed}`);
  // m1 comes again only if the dead process's acknowledgement was lost: at least once.
  assert.deepEqual(new Set([...persisted, ...replayed]), new Set(['m1', 'm2', 'm3']));
});

test('a send whose request fails answers retryable instead of throwing', async () => {
  const sim = await served();
  const url = sim.url;
  await sim[Symbol.asyncDispose]();
  const clock = new SystemClock();
  const link = new HttpLink({ baseUrl: url, clock });
  const result = await link.send(SENDER, text('m1', ALICE));
  assert.deepEqual(result.ok ? null : [result.error.kind, result.error.code], ['retryable', 'network']);
  assert.equal((await link.checkNumbers(SENDER, [ALICE])).size, 0, 'nothing could be checked');
  await link.setTyping(SENDER, ALICE, 'composing');
  await link.detach(SENDER);
});

test('a send that gets no answer in time answers retryable, though the network took it', async () => {
  await using sim = await served({ faults: { latencyMs: [60_000, 60_000] } });
  sim.network.createSender(SENDER, { autoPair: true });
  sim.network.connect(SENDER);
  const linkClock = new ManualClock();
  const link = new HttpLink({ baseUrl: sim.url, clock: linkClock, requestTimeoutMs: 5000 });
  let answer: SendResult | null = null;
  const pending = link.send(SENDER, text('m1', ALICE)).then((r) => {
    answer = r;
  });
  while (sim.network.records.attempts().length === 0) await new Promise((r) => setImmediate(r));
  linkClock.advance(5000);
  await pending;
  assert.deepEqual(answer, {
    ok: false,
    error: { kind: 'retryable', code: 'network', detail: 'no answer within 5000 ms', uncertain: true },
  });
  assert.equal(sim.network.records.receivedBy(ALICE).length, 1, 'the outcome was unknown to the caller only');
});

test('a request the simulator refuses is a permanent failure', async () => {
  await using sim = await served();
  const link = new HttpLink({ baseUrl: sim.url, clock: new SystemClock() });
  const result = await link.send(SENDER, { ref: 'm1', to: ALICE, type: 'sticker' as 'text' });
  assert.deepEqual(result.ok ? null : [result.error.kind, result.error.code], ['permanent', 'http_400']);
});

test('after the network resets, a remote driver follows the new sender log', async () => {
  await using sim = await served();
  const clock = new SystemClock();
  await using driver = new SimulatorDriver({
    link: new HttpLink({ baseUrl: sim.url, clock }),
    clock,
    sender: SENDER,
    retryAfterMs: 5,
  });
  const events = new DriverEventRecorder(driver);
  await driver.connect();
  await events.waitFor('qr');
  sim.network.reset();
  sim.network.createSender(SENDER);
  const mark = events.mark;
  sim.network.receive(ALICE, SENDER, 'hello again');
  // The reset ended the stream; the driver follows again by itself and gets what is unacknowledged.
  assert.equal((await events.waitFor('inbound', () => true, mark)).text, 'hello again');
});
