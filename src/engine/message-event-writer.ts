import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import { isOptOut } from '../domain/opt-out.ts';
import type { Receipt, ReceiptChange } from '../store/message-queue.ts';
import type { Store } from '../store/store.ts';
import type { EventBus } from './event-bus.ts';
import { GroupCommit } from './group-commit.ts';
import { publishReceipts } from './message-events.ts';
import type { OptOuts } from './opt-outs.ts';
import type { HandledEvent } from './sender-sessions.ts';

interface QueuedReceipt {
  workspaceId: string;
  senderId: string;
  receipt: Receipt;
}

interface WriterDeps {
  store: Store;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  optOuts: OptOuts;
  /**
   * Told, after the commit, which campaigns had rows that receipts moved out of `sending`.
   * A receipt can be stored before the send's own answer, which then finds its row moved on
   * and changes nothing; or it settles a row a crash left waiting. Either way it was that
   * row's last write, and may have been its campaign's last.
   */
  onLeftSending: (campaignIds: ReadonlySet<string>) => void;
}

/**
 * Stores what drivers report about messages. Receipts are written in group commits (they
 * arrive by the thousand during a campaign); an opt-out (a STOP reply, or a send the
 * network refused because the recipient opted out) suppresses the phone at once, so no later message of any campaign reaches it. Each handled event resolves only
 * after its effect is committed — the moment a driver may forget it.
 */
export class MessageEventWriter {
  readonly #deps: WriterDeps;
  readonly #receipts: GroupCommit<QueuedReceipt>;

  constructor(deps: WriterDeps) {
    this.#deps = deps;
    // Receipts trickle in one by one; waiting 20 ms gathers them into few transactions.
    this.#receipts = new GroupCommit((items) => this.#writeReceipts(items), {
      linger: { clock: deps.clock, ms: 20 },
      maxBatch: 2000,
    });
  }

  /** Resolves once the event's effect is committed (see `onLeftSending` for what follows). */
  async handle(handled: HandledEvent): Promise<void> {
    const { event } = handled;
    if (event.type === 'receipt') {
      const receipt: Receipt = { waId: event.messageId, status: event.status, at: event.at };
      if (event.error !== undefined) {
        receipt.reason = event.error.kind;
        receipt.detail = `${event.error.code}: ${event.error.detail}`;
      }
      await this.#receipts.add({ workspaceId: handled.workspaceId, senderId: handled.senderId, receipt });
      return;
    }
    if (event.type === 'inbound') await this.#inbound(handled, event.from, event.text, event.id);
  }

  async flushed(): Promise<void> {
    await this.#receipts.flushed();
  }

  async #writeReceipts(items: QueuedReceipt[]): Promise<void> {
    const now = this.#deps.clock.now();
    // The whole batch in one call, whatever the workspaces, so that its rows are locked in
    // one id order (see MessageQueue). Run again on a conflict: nothing is published
    // before the commit, and every receipt's update is guarded by the state it expects.
    const changes = await this.#deps.store.transaction(
      (tx) =>
        tx.queue.receipts(
          items.map((item) => item.receipt),
          now,
        ),
      { retryConflicts: true },
    );
    const leftSending = new Set<string>();
    for (const c of changes) if (c.from === 'sending' && c.campaignId !== null) leftSending.add(c.campaignId);
    if (leftSending.size > 0) this.#deps.onLeftSending(leftSending);
    const byWaId = new Map<string, QueuedReceipt>();
    for (const item of items) if (!byWaId.has(item.receipt.waId)) byWaId.set(item.receipt.waId, item);
    const byWorkspace = new Map<string, ReceiptChange[]>();
    for (const change of changes) {
      const workspaceId = byWaId.get(change.waId)?.workspaceId ?? '';
      const list = byWorkspace.get(workspaceId) ?? [];
      list.push(change);
      byWorkspace.set(workspaceId, list);
    }
    for (const [workspaceId, list] of byWorkspace) {
      publishReceipts(this.#deps.bus, workspaceId, list, now);
      // A network that refuses a message because its recipient opted out (Meta's marketing
      // opt-out) tells us as much as a STOP reply would.
      for (const c of list) {
        if (c.to !== 'failed' || c.reason !== 'opted_out') continue;
        await this.#deps.optOuts.record({
          workspaceId,
          senderId: byWaId.get(c.waId)?.senderId ?? '',
          phone: c.phone,
          note: 'the network reported an opt-out',
        });
      }
    }
  }

  async #inbound(handled: HandledEvent, from: string, text: string, id: string): Promise<void> {
    const { clock, bus } = this.#deps;
    const now = clock.now();
    bus.publish({
      type: 'inbound.message',
      at: now,
      workspaceId: handled.workspaceId,
      senderId: handled.senderId,
      data: { id, from, text },
    });
    if (!isOptOut(text)) return;
    await this.#deps.optOuts.record({
      workspaceId: handled.workspaceId,
      senderId: handled.senderId,
      phone: from,
      note: `replied "${text.trim().slice(0, 50)}"`,
    });
  }
}
