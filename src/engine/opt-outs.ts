import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import type { IdFactory } from '../domain/id.ts';
import type { Store } from '../store/store.ts';
import type { EventBus } from './event-bus.ts';

export interface OptOut {
  workspaceId: string;
  senderId: string;
  phone: string;
  /** How the opt-out was learned, kept on the suppression. */
  note: string;
}

/**
 * Records that a recipient asked to hear no more: a suppression (so no later message of any
 * campaign reaches them) and a `contact.opted_out` event. Whether it came as a STOP reply or
 * as the network refusing a send on their behalf, the effect is the same.
 */
export class OptOuts {
  readonly #deps: { store: Store; clock: Clock; bus: EventBus; log: Logger; newId: IdFactory };

  constructor(deps: { store: Store; clock: Clock; bus: EventBus; log: Logger; newId: IdFactory }) {
    this.#deps = deps;
  }

  async record(o: OptOut): Promise<void> {
    const { store, clock, bus, newId, log } = this.#deps;
    const now = clock.now();
    await store.suppressions.ensure({
      id: newId('sup'),
      workspaceId: o.workspaceId,
      phone: o.phone,
      reason: 'opt_out',
      note: o.note,
      createdAt: now,
    });
    log.info({ senderId: o.senderId }, 'a recipient opted out');
    bus.publish({
      type: 'contact.opted_out',
      at: now,
      workspaceId: o.workspaceId,
      senderId: o.senderId,
      data: { phone: o.phone },
    });
  }
}
