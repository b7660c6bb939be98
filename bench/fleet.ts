/**
 * `npm run bench:fleet [-- recipients senders]`
 *
 * 1,000 simulator senders on one campaign of 200,000 recipients, pacing off, SQLite file:
 * messages/s end to end, the cost of choosing a sender per message (µs: building the
 * pass's candidates plus every choice), and peak RSS.
 * Targets (issue): ≥ 3,000 messages/s and selection < 50 µs per message on 2 cores.
 */

import { newId } from '../src/domain/id.ts';
import { SimulatorNetwork } from '../src/drivers/simulator/simulator-network.ts';
import { SystemClock } from '../src/system/system-clock.ts';
import { SystemRandom } from '../src/system/system-random.ts';
import {
  addSimulatorSenders,
  addTemplate,
  benchEngine,
  freshStore,
  seedContacts,
  unpacedCampaign,
  untilCompleted,
  untilConnected,
} from './bench-setup.ts';
import { PeakRss, verdict } from './measure.ts';

const [recipients = 200_000, senderCount = 1000] = process.argv.slice(2).map(Number);
const clock = new SystemClock();
const random = new SystemRandom();
const ids = (prefix: string) => newId(prefix, clock.now(), random);

const bench = await freshStore('fleet', clock, ids);
const { store, workspace } = bench;
process.stdout.write(`seeding ${recipients} contacts and ${senderCount} senders… `);
seedContacts(bench.file, workspace.id, recipients, clock.now());
const network = new SimulatorNetwork(
  { clock, random },
  { receipts: { deliveredAfterMs: [50, 500], readAfterMs: null } },
);
let selectionMs = 0;
let selected = 0;
const engine = benchEngine(
  bench,
  { clock, random, ids, network },
  {
    settings: { maxInFlightPerSender: 4 },
    timing: () => performance.now(),
    onSelection: (s) => {
      selectionMs += s.ms;
      selected += s.messages;
    },
  },
);
const templateId = await addTemplate(bench, clock, ids, 'Fleet', 'Hello {{name}}');
const senderIds = await addSimulatorSenders(bench, clock, ids, senderCount, 3_000_000);
await engine.start();
await untilConnected(engine, senderIds);
console.log('done');
const campaign = await unpacedCampaign(engine, workspace.id, 'Fleet', templateId, senderIds);
const peak = new PeakRss();
const started = performance.now();
await engine.campaigns.start(workspace.id, campaign.id);
await untilCompleted(store, campaign.id, 200);
const seconds = (performance.now() - started) / 1000;
const peakMb = peak.stop();
const rate = recipients / seconds;
const perMessageUs = selected === 0 ? 0 : (selectionMs * 1000) / selected;
const usedSenders = new Set(network.records.attempts().map((a) => a.sender)).size;
console.log(
  `fleet: ${recipients} messages over ${senderCount} senders (${usedSenders} used) in ${seconds.toFixed(1)} s = ` +
    `${Math.round(rate)} messages/s; selection ${perMessageUs.toFixed(1)} µs per message; peak RSS ${peakMb} MB`,
);
await engine[Symbol.asyncDispose]();
await network.close();
await bench.remove();
console.log('\nagainst the targets (2-core machine):');
console.log(verdict('messages/s end to end', rate, '>=', 3000));
console.log(verdict('sender selection (µs per message)', perMessageUs, '<', 50));
console.log(verdict('peak RSS (MB)', peakMb, 'report', 0));
