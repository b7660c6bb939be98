import type { Clock } from '../domain/clock.ts';
import { demoSenderPhone, demoSenderPhoneCount } from '../domain/demo-sender-phone.ts';
import type { IdFactory } from '../domain/id.ts';
import { newSender, type Sender } from '../domain/sender.ts';
import type { Store } from '../store/store.ts';

/** Numbers asked about per query while looking for a free one. */
const BATCH = 20;

/**
 * Gives a workspace one sender on the built-in simulator, paired as soon as the server
 * connects it, so a first campaign can run within a minute of `npm start` without a phone.
 * Each workspace gets a number of its own (see `demoSenderPhone`): two workspaces sharing
 * one would share one simulated account, each seeing the other's replies.
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
    config: { phone: await freePhone(deps.store, workspaceId), autoPair: true },
    now: deps.clock.now(),
  });
  return deps.store.senders.create(sender);
}

/** The first number of the workspace's sequence that no sender of any workspace has. */
async function freePhone(store: Store, workspaceId: string): Promise<string> {
  for (let from = 0; from < demoSenderPhoneCount; from += BATCH) {
    const candidates = Array.from({ length: BATCH }, (_, i) => demoSenderPhone(workspaceId, from + i));
    const taken = await store.senders.phonesInUse(candidates);
    const free = candidates.find((phone) => !taken.has(phone));
    if (free !== undefined) return free;
  }
  throw new Error('every demo sender number is taken');
}
