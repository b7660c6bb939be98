import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import type { IdFactory } from '../domain/id.ts';
import { isOptOut } from '../domain/opt-out.ts';
import type { Receipt } from '../store/message-queue.ts';
import type { Store } from '../store/store.ts';
import type { EventBus } from './event-bus.ts';
import { GroupCommit } from './group-commit.ts';
import { publishReceipts } from './message-events.ts';
import type { HandledEvent } from './sender-sessions.ts';

interface QueuedReceipt {
  workspaceId: string;
  receipt: Receipt;
}

/**
 * Stores what drivers report about messages. Receipts are written in group commits (they
 * arrive by the thousand during a campaign); an inbound opt-out suppresses the phone at
 * once, so no later message of any campaign reaches it. Each handled event resolves only
 * after its effect is committed — the moment a driver may forget it.
 */
export class MessageEventWriter {
  readonly #deps: { store: Store; clock: Clock; bus: EventBus; log: Logger; newId: IdFactory };
  readonly #receipts: GroupCommit<QueuedReceipt>;

  constructor(deps: { store: Store; clock: Clock; bus: EventBus; log: Logger; newId: IdFactory }) {
    this.#deps = deps;
    // Receipts trickle in one by one; waiting 20 ms gathers them into few transactions.
    this.#receipts = new GroupCommit((items) => this.#writeReceipts(items), {
      linger: { clock: deps.clock, ms: 20 },
      maxBatch: 2000,
    });
  }

  /** Completed campaigns are re-checked by the caller after receipts that failed a message. */
  async handle(handled: HandledEvent): Promise<void> {
    const { event } = handled;
    if (event.type === 'receipt') {
      const receipt: Receipt = { waId: event.messageId, status: event.status, at: event.at };
      if (event.error !== undefined) {
        receipt.reason = event.error.kind;
        receipt.detail = `${event.error.code}: ${event.error.detail}`;
      }
      await this.#receipts.add({ workspaceId: handled.workspaceId, receipt });
      return;
    }
    if (event.type === 'inbound') await this.#inbound(handled, event.from, event.text, event.id);
  }

  async flushed(): Promise<void> {
    await this.#receipts.flushed();
  }

  async #writeReceipts(items: QueuedReceipt[]): Promise<void> {
    const now = this.#deps.clock.now();
    const byWorkspace = new Map<string, Receipt[]>();
    for (const item of items) {
      const list = byWorkspace.get(item.workspaceId) ?? [];
      list.push(item.receipt);
      byWorkspace.set(item.workspaceId, list);
    }
    const changes = await this.#deps.store.transaction(async (tx) => {
      const out = [];
      for (const [workspaceId, receipts] of byWorkspace)
        out.push({ workspaceId, changes: await tx.queue.receipts(receipts, now) });
      return out;
    });
    for (const { workspaceId, changes: c } of changes) publishReceipts(this.#deps.bus, workspaceId, c, now);
  }

  async #inbound(handled: HandledEvent, from: string, text: string, id: string): Promise<void> {
    const { store, clock, bus, newId } = this.#deps;
    const now = clock.now();
    bus.publish({
      type: 'inbound.message',
      at: now,
      workspaceId: handled.workspaceId,
      senderId: handled.senderId,
      data: { id, from, text },
    });
    if (!isOptOut(text)) return;
    await store.suppressions.ensure({
      id: newId('sup'),
      workspaceId: handled.workspaceId,
      phone: from,
      reason: 'opt_out',
      note: `replied "${text.trim().slice(0, 50)}"`,
      createdAt: now,
    });
    this.#deps.log.info({ senderId: handled.senderId }, 'a recipient opted out');
    bus.publish({
      type: 'contact.opted_out',
      at: now,
      workspaceId: handled.workspaceId,
      senderId: handled.senderId,
      data: { phone: from },
    });
  }
}
