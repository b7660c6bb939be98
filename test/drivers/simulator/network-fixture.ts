import type { DriverEvent } from '../../../src/drivers/driver.ts';
import {
  SimulatorNetwork,
  type SimulatorNetworkOptions,
} from '../../../src/drivers/simulator/simulator-network.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { SeededRandom } from '../../support/seeded-random.ts';

export const SENDER = '+4915100000001';
export const ALICE = '+4915200000002';
export const BOB = '+4915200000003';

/** A network on a manual clock with seeded chance, and every event of `SENDER` collected. */
export function networkFixture(options: SimulatorNetworkOptions = {}) {
  const clock = new ManualClock();
  const network = new SimulatorNetwork({ clock, random: new SeededRandom(3) }, options);
  const events: DriverEvent[] = [];
  network.subscribe(SENDER, (entry) => events.push(entry.event));
  /** A connected, paired sender. */
  const connected = () => {
    network.createSender(SENDER, { autoPair: true });
    network.connect(SENDER, 'qr');
  };
  const receipts = (status: 'delivered' | 'read') =>
    events.flatMap((e) => (e.type === 'receipt' && e.status === status ? [e.messageId] : []));
  return { clock, network, events, connected, receipts };
}

export const text = (ref: string, to: string, body = `hello ${ref}`) => ({
  id: ref,
  ref,
  to,
  type: 'text' as const,
  text: body,
});
