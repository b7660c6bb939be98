/**
 * `npm run bench:dispatch [-- recipients senders expansion]`
 *
 * 1. A 100,000-recipient campaign over 50 simulator senders with pacing off, on a SQLite
 *    file: messages/s from start to completion (queued → sent), p99 claim-to-send latency
 *    and peak RSS. Target (issue): ≥ 3,000 messages/s.
 * 2. Expansion of a 1,000,000-contact audience into message rows: time and peak RSS.
 *    Targets: < 60 s and < 400 MB.
 * Real clock, real randomness, the in-process simulator (delivery receipts on, read off).
 */

import { newId } from '../src/domain/id.ts';
import type { Sender } from '../src/domain/sender.ts';
import type { Driver } from '../src/drivers/driver.ts';
import { SimulatorNetwork } from '../src/drivers/simulator/simulator-network.ts';
import { SystemClock } from '../src/system/system-clock.ts';
import { SystemRandom } from '../src/system/system-random.ts';
import {
  addSimulatorSenders,
  addTemplate,
  benchDrivers,
  benchEngine,
  freshStore,
  seedContacts,
  unpacedCampaign,
  untilCompleted,
  untilConnected,
} from './bench-setup.ts';
import { PeakRss, percentile, verdict } from './measure.ts';

const [recipients = 100_000, senderCount = 50, expansionSize = 1_000_000] = process.argv.slice(2).map(Number);
const clock = new SystemClock();
const random = new SystemRandom();
const ids = (prefix: string) => newId(prefix, clock.now(), random);

async function dispatchRun(): Promise<{ rate: number; p99: number; peak: number }> {
  const bench = await freshStore('dispatch', clock, ids);
  const { store, workspace } = bench;
  const network = new SimulatorNetwork(
    { clock, random },
    { receipts: { deliveredAfterMs: [50, 500], readAfterMs: null } },
  );
  const sendStarted = new Map<string, number>();
  const factory = benchDrivers(bench, { clock, random, network });
  const engine = benchEngine(
    bench,
    { clock, random, ids, network },
    {
      drivers: {
        // Notes when each part reaches the driver, for claim-to-send latency.
        async create(sender: Sender): Promise<Driver> {
          const driver = await factory.create(sender);
          const send = driver.send.bind(driver);
          driver.send = (part) => {
            sendStarted.set(part.id, clock.now());
            return send(part);
          };
          return driver;
        },
      },
      settings: { reconcileGraceMs: 120_000 },
    },
  );
  try {
    process.stdout.write(`seeding ${recipients} contacts and ${senderCount} senders… `);
    seedContacts(bench.file, workspace.id, recipients, clock.now());
    const templateId = await addTemplate(
      bench,
      clock,
      ids,
      'Bench',
      '{Hi|Hello} {{firstName}}, this is a benchmark message',
    );
    const senderIds = await addSimulatorSenders(bench, clock, ids, senderCount, 1_000_000);
    await engine.start();
    await untilConnected(engine, senderIds);
    console.log('done');
    const campaign = await unpacedCampaign(engine, workspace.id, 'Bench', templateId, senderIds);
    const peak = new PeakRss();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await engine.campaigns.start(workspace.id, campaign.id);
    const last = await untilCompleted(store, campaign.id, 100);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerMessageUs = Math.round((cpu.user + cpu.system) / recipients);
    const peakMb = peak.stop();
    // Claim-to-send: from the committed claim to the driver's send call.
    const latencies: number[] = [];
    for await (const m of store.messages.stream(campaign.id, 5000)) {
      const sent = m.waId === null ? undefined : sendStarted.get(m.waId);
      if (sent !== undefined && m.claimedAt !== null) latencies.push(sent - m.claimedAt);
    }
    latencies.sort((a, b) => a - b);
    const rate = recipients / seconds;
    console.log(
      `dispatch: ${recipients} messages over ${senderCount} senders in ${seconds.toFixed(1)} s = ${Math.round(rate)} messages/s; ` +
        `claim-to-send p50 ${percentile(latencies, 0.5)} ms, p99 ${percentile(latencies, 0.99)} ms; peak RSS ${peakMb} MB; ` +
        `CPU ${cpuPerMessageUs} µs per message (${Math.round(1_000_000 / cpuPerMessageUs)} messages per CPU-second); ` +
        `counts ${JSON.stringify(last.counts)}`,
    );
    return { rate, p99: percentile(latencies, 0.99), peak: peakMb };
  } finally {
    await engine[Symbol.asyncDispose]();
    await network.close();
    await bench.remove();
  }
}

async function expansionRun(): Promise<{ seconds: number; peak: number }> {
  const bench = await freshStore('expand', clock, ids);
  const { store, workspace } = bench;
  try {
    process.stdout.write(`seeding ${expansionSize} contacts… `);
    seedContacts(bench.file, workspace.id, expansionSize, clock.now());
    console.log('done');
    const engine = benchEngine(
      bench,
      { clock, random, ids, network: null },
      { settings: { reconcileGraceMs: 1 } },
    );
    const templateId = await addTemplate(bench, clock, ids, 'Bench', 'Hi');
    // Never connected: the engine is not started, expansion alone is measured.
    const [senderId] = await addSimulatorSenders(bench, clock, ids, 1, 9_000_000);
    const campaign = await engine.campaigns.create(workspace.id, {
      name: 'Big',
      templateId,
      senderIds: [senderId as string],
    });
    const running = { ...campaign, status: 'running' as const };
    await store.campaigns.transition(
      campaign.id,
      ['draft'],
      { status: 'running', startedAt: clock.now() },
      clock.now(),
    );
    const peak = new PeakRss();
    const started = performance.now();
    await engine.expander.expand(running);
    const seconds = (performance.now() - started) / 1000;
    const peakMb = peak.stop();
    const counts = (await store.campaigns.find(campaign.id))?.counts;
    console.log(`expansion: ${counts?.total} recipients in ${seconds.toFixed(1)} s; peak RSS ${peakMb} MB`);
    await engine[Symbol.asyncDispose]();
    return { seconds, peak: peakMb };
  } finally {
    await bench.remove();
  }
}

// Expansion first: RSS rarely shrinks once V8 has grown the heap, so a run after the
// dispatch (whose in-process simulator keeps every message as ground truth) would report
// the dispatch's peak as its own.
const expansion = await expansionRun();
const dispatch = await dispatchRun();
console.log('\nagainst the targets (2-core machine):');
console.log(verdict('messages/s end to end', dispatch.rate, '>=', 3000));
console.log(verdict('claim-to-send p99 (ms)', dispatch.p99, 'report', 0));
console.log(verdict('dispatch peak RSS (MB)', dispatch.peak, 'report', 0));
console.log(verdict(`expansion of ${expansionSize} (s)`, expansion.seconds, '<', 60));
console.log(verdict('expansion peak RSS (MB)', expansion.peak, '<', 400));
