import type { ReceiptChange, Settlement } from '../store/message-queue.ts';
import type { EventBus, KurirEventType } from './event-bus.ts';

const settlementEvent: Partial<Record<Settlement['kind'], KurirEventType>> = {
  sent: 'message.sent',
  failed: 'message.failed',
  skipped: 'message.skipped',
  retry: 'message.retrying',
};

/** Publishes what committed settlements did; called only after their transaction. */
export function publishSettlements(
  bus: EventBus,
  workspaceOf: (campaignId: string) => string | undefined,
  applied: readonly Settlement[],
  now: number,
): void {
  for (const s of applied) {
    const type = settlementEvent[s.kind];
    const workspaceId = workspaceOf(s.campaignId);
    if (type === undefined || workspaceId === undefined) continue;
    const data: Record<string, unknown> = { attempt: s.attempt };
    if (s.kind === 'failed' || s.kind === 'skipped' || s.kind === 'retry') {
      data.reason = s.reason;
      data.detail = s.detail;
    }
    if (s.kind === 'retry') data.nextAt = new Date(s.nextAt).toISOString();
    bus.publish({ type, at: now, workspaceId, campaignId: s.campaignId, messageId: s.id, data });
  }
}

const receiptEvent: Record<string, KurirEventType> = {
  delivered: 'message.delivered',
  read: 'message.read',
  failed: 'message.failed',
};

export function publishReceipts(
  bus: EventBus,
  workspaceId: string,
  changes: readonly ReceiptChange[],
  now: number,
): void {
  for (const c of changes) {
    const type = receiptEvent[c.to];
    if (type === undefined) continue;
    bus.publish({
      type,
      at: now,
      workspaceId,
      ...(c.campaignId === null ? {} : { campaignId: c.campaignId }),
      messageId: c.messageId,
      data: { from: c.from },
    });
  }
}
