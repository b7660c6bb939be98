/**
 * `npm run bench:pacing [-- realSeconds]`
 *
 * 1. 20 senders on the `short` preset (4–10 s gaps) over a simulated hour on a manual clock:
 *    the observed gaps between each sender's sends against the policy.
 * 2. The same on the real clock for two minutes: how late each send starts against the
 *    instant the dispatcher planned for it (actual minus planned). Target (issue): p99 < 50 ms.
 * In-process simulator, SQLite file store.
 */

import type { Clock } from '../src/domain/clock.ts';
import { newId } from '../src/domain/id.ts';
import { presetGapsSeconds } from '../src/domain/pacing/pacing-policy.ts';
import type { Random } from '../src/domain/random.ts';
import { SimulatorNetwork } from '../src/drivers/simulator/simulator-network.ts';
import type { Engine } from '../src/engine/engine.ts';
import { SystemClock } from '../src/system/system-clock.ts';
import { SystemRandom } from '../src/system/system-random.ts';
import { ManualClock } from '../test/support/manual-clock.ts';
import { addSimulatorSenders, addTemplate, benchEngine, freshStore, seedContacts } from './bench-setup.ts';
import { percentile, verdict } from './measure.ts';

const SENDERS = 20;
const realSeconds = Number(process.argv[2] ?? 120);

interface Run {
  engine: Engine;
  network: SimulatorNetwork;
  workspaceId: string;
  campaignId: string;
  close: () => Promise<void>;
}

type Trace = (t: { senderId: string; plannedAt: number; startedAt: number }) => void;

async function setup(clock: Clock, random: Random, contacts: number, trace?: Trace): Promise<Run> {
  const ids = (prefix: string) => newId(prefix, clock.now(), random);
  const bench = await freshStore('pacing', clock, ids);
  const { workspace } = bench;
  seedContacts(bench.file, workspace.id, contacts, clock.now());
  const network = new SimulatorNetwork(
    { clock, random },
    { receipts: { deliveredAfterMs: [200, 1500], readAfterMs: null } },
  );
  const engine = benchEngine(bench, { clock, random, ids, network }, trace ? { trace } : {});
  const templateId = await addTemplate(bench, clock, ids, 'Pacing', 'Hello {{name}}');
  const senderIds = await addSimulatorSenders(bench, clock, ids, SENDERS, 2_000_000);
  await engine.start();
  const campaign = await engine.campaigns.create(workspace.id, {
    name: 'Pacing',
    templateId,
    senderIds,
    pacing: { preset: 'short' },
  });
  return {
    engine,
    network,
    workspaceId: workspace.id,
    campaignId: campaign.id,
    close: async () => {
      await engine[Symbol.asyncDispose]();
      await network.close();
      await bench.remove();
    },
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function simulatedHour(): Promise<number[]> {
  const clock = new ManualClock();
  const run = await setup(clock, new SystemRandom(), 12_000);
  for (let i = 0; i < 20; i++) await turn();
  await run.engine.campaigns.start(run.workspaceId, run.campaignId);
  const end = clock.now() + 3_600_000;
  // 50 ms steps: send times are read between steps, so a gap is off by at most that.
  while (clock.now() < end) {
    clock.advance(50);
    for (let i = 0; i < 4; i++) await turn();
  }
  const gaps: number[] = [];
  const bySender = new Map<string, number[]>();
  for (const a of run.network.records.attempts()) {
    const list = bySender.get(a.sender) ?? [];
    list.push(a.at);
    bySender.set(a.sender, list);
  }
  for (const times of bySender.values())
    for (let i = 1; i < times.length; i++) gaps.push((times[i] as number) - (times[i - 1] as number));
  await run.close();
  return gaps.sort((a, b) => a - b);
}

async function realClockRun(): Promise<number[]> {
  const clock = new SystemClock();
  const errors: number[] = [];
  let startedRun = 0;
  const run = await setup(clock, new SystemRandom(), 2_000, (t) => {
    // The first send of each sender has no planned instant of its own.
    if (t.plannedAt >= startedRun && startedRun > 0) errors.push(t.startedAt - t.plannedAt);
  });
  startedRun = clock.now();
  await run.engine.campaigns.start(run.workspaceId, run.campaignId);
  await new Promise((resolve) => setTimeout(resolve, realSeconds * 1000));
  await run.close();
  return errors.sort((a, b) => a - b);
}

const [low, high] = presetGapsSeconds.short;
const gaps = await simulatedHour();
const histogram = new Map<number, number>();
for (const g of gaps) histogram.set(Math.floor(g / 1000), (histogram.get(Math.floor(g / 1000)) ?? 0) + 1);
console.log(`simulated hour, ${SENDERS} senders, short preset (${low}–${high} s): ${gaps.length} gaps`);
console.log(
  `  min ${percentile(gaps, 0)} ms, p5 ${percentile(gaps, 0.05)}, p50 ${percentile(gaps, 0.5)}, p95 ${percentile(gaps, 0.95)}, max ${gaps.at(-1)} ms`,
);
for (const [second, n] of [...histogram].sort((a, b) => a[0] - b[0])) {
  console.log(
    `  ${String(second).padStart(3)}–${second + 1} s ${'#'.repeat(Math.round((n / gaps.length) * 200))} ${n}`,
  );
}
const outside = gaps.filter((g) => g < low * 1000 || g > high * 1000 + 50).length;
console.log(`  outside the policy: ${outside}`);
const errors = await realClockRun();
console.log(
  `\nreal clock, ${realSeconds} s, ${SENDERS} senders: ${errors.length} sends; actual minus planned start:`,
);
console.log(
  `  p50 ${percentile(errors, 0.5)} ms, p99 ${percentile(errors, 0.99)} ms, max ${errors.at(-1)} ms`,
);
console.log('\nagainst the targets:');
console.log(verdict('gaps outside the policy', outside, '<', 1));
console.log(verdict('scheduling error p99 (ms)', percentile(errors, 0.99), '<', 50));
