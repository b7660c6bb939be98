import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpLink } from '../../../src/drivers/simulator/http-link.ts';
import { SimulatorDriver } from '../../../src/drivers/simulator/simulator-driver.ts';
import { SystemClock } from '../../../src/system/system-clock.ts';
import { DriverEventRecorder } from '../../contract/driver-event-recorder.ts';
import { runNode, startNode } from '../../support/processes.ts';
import { until } from '../../support/running-campaign.ts';
import { ALICE, SENDER } from './network-fixture.ts';

test('kurir simulator serves a network with the options given, and stops on SIGTERM', async () => {
  const args = [
    'simulator',
    '--port',
    '0',
    '--auto-pair',
    '--no-dedup',
    '--latency',
    '1-2',
    '--no-read',
    '--delivered-after',
    '5',
    '--ban-after',
    '100/60000',
    '--unregistered-fraction',
    '0.1',
  ];
  const sim = startNode('src/cli/main.ts', args, {});
  try {
    const [, url = ''] = await sim.waitFor(/Simulator listening on (http:\/\/\S+)/);
    const settings = await (await fetch(`${url}/settings`)).json();
    assert.equal(settings.dedup, false);
    assert.deepEqual(settings.faults.latencyMs, [1, 2]);
    assert.deepEqual(settings.faults.banThreshold, { maxSends: 100, windowMs: 60_000 });
    assert.deepEqual(settings.receipts, { deliveredAfterMs: [5, 5], readAfterMs: null });
    assert.equal(settings.unregisteredFraction, 0.1);

    const clock = new SystemClock();
    await using driver = new SimulatorDriver({
      link: new HttpLink({ baseUrl: url, clock }),
      clock,
      sender: SENDER,
    });
    const events = new DriverEventRecorder(driver);
    await driver.connect();
    await events.waitFor('connected');
    const part = { id: 'm1', to: ALICE, type: 'text' as const, text: 'Hallo' };
    assert.equal((await driver.send(part)).ok, true);
    assert.equal((await driver.send(part)).ok, true);
    await events.waitFor('receipt', (e) => e.messageId === 'm1');
    const received = await (await fetch(`${url}/records/received`)).json();
    assert.equal(received.recipients[ALICE].length, 2, 'without dedup the repeat arrives again');
  } finally {
    sim.child.kill('SIGTERM');
  }
  assert.equal(await sim.exited, 0, sim.output());
});

test('kurir simulator answers the sends it holds before it stops on SIGTERM', async () => {
  const sim = startNode(
    'src/cli/main.ts',
    ['simulator', '--port', '0', '--auto-pair', '--latency', '60000'],
    {},
  );
  try {
    const [, url = ''] = await sim.waitFor(/Simulator listening on (http:\/\/\S+)/);
    const clock = new SystemClock();
    await using driver = new SimulatorDriver({
      link: new HttpLink({ baseUrl: url, clock }),
      clock,
      sender: SENDER,
    });
    const events = new DriverEventRecorder(driver);
    await driver.connect();
    await events.waitFor('connected');
    const held = driver.send({ id: 'm1', to: ALICE, type: 'text' as const, text: 'Hallo' });
    // The network decides a send when it gets it; the latency fault holds only the answer.
    await until('the network to take the send', async () => {
      const counts = (await (await fetch(`${url}/records/counts`)).json()) as { accepted: number };
      return counts.accepted === 1;
    });
    sim.child.kill('SIGTERM');
    assert.deepEqual(await held, { ok: true, providerId: 'm1' }, 'the driver got its answer');
    // 0, not 1: done within its grace period (3 s).
    assert.equal(await sim.exited, 0, sim.output());
  } finally {
    sim.child.kill('SIGKILL');
  }
});

test('kurir simulator refuses a malformed option and says which', async () => {
  const { code, output } = await runNode('src/cli/main.ts', ['simulator', '--latency', 'fast'], {});
  assert.equal(code, 2);
  assert.match(output, /--latency takes milliseconds or min-max/);
});

test('kurir simulator --reply scripts recipients: one number, or every one with *', async () => {
  const sim = startNode(
    'src/cli/main.ts',
    ['simulator', '--port', '0', '--auto-pair', '--reply', `${ALICE}=STOP`, '--reply', '*=Who is this?'],
    {},
  );
  try {
    const [, url = ''] = await sim.waitFor(/Simulator listening on (http:\/\/\S+)/);
    const { rules } = await (await fetch(`${url}/replies`)).json();
    assert.deepEqual(rules, [{ recipients: [ALICE], reply: 'STOP' }, { reply: 'Who is this?' }]);
    // The rules are the network's as built: a reset brings them back.
    assert.equal((await fetch(`${url}/reset`, { method: 'POST' })).status, 204);
    assert.equal((await (await fetch(`${url}/replies`)).json()).rules.length, 2);
  } finally {
    sim.child.kill('SIGTERM');
  }
  assert.equal(await sim.exited, 0, sim.output());
});

test('kurir simulator refuses a --reply without a number or a text', async () => {
  for (const bad of ['STOP', '+49 151=STOP', `${ALICE}=`]) {
    const { code, output } = await runNode('src/cli/main.ts', ['simulator', '--reply', bad], {});
    assert.equal(code, 2, output);
    assert.match(output, /--reply takes <phone>=<text> or \*=<text>/);
  }
});
