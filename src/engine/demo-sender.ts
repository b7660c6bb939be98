import type { Clock } from '../domain/clock.ts';
import type { IdFactory } from '../domain/id.ts';
import { newSender, type Sender } from '../domain/sender.ts';
import type { Store } from '../store/store.ts';

/** The simulated number a new workspace starts with. */
const DEMO_SENDER_PHONE = '+15550100001';

/**
 * Gives a new workspace one sender on the built-in simulator, paired already, so a first
 * campaign can run within a minute of `npm start` without a phone.
 */
export async function addDemoSender(
  deps: { store: Store; clock: Clock; newId: IdFactory },
  workspaceId: string,
): Promise<Sender> {
  const sender = newSender({
    id: deps.newId('snd'),
    workspaceId,
    name: 'Simulator',
    driver: 'simulator',
    config: { phone: DEMO_SENDER_PHONE, autoPair: true },
    now: deps.clock.now(),
  });
  return deps.store.senders.create(sender);
}
