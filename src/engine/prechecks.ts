import type { ClaimedMessage } from '../store/message-queue.ts';
import type { Store } from '../store/store.ts';
import type { Delivery } from './message-delivery.ts';
import type { RunningCampaign } from './running-campaign.ts';
import type { SenderSession } from './sender-sessions.ts';

export interface Checked {
  ready: ClaimedMessage[];
  /** Messages the checks settled (skipped), with how. */
  decided: Map<ClaimedMessage, Delivery>;
}

/** A number check is trusted for a week (the same as Evolution's cache). */
export const CHECK_VALID_MS = 7 * 86_400_000;

/**
 * The last checks before a claimed batch is sent. A phone suppressed since the campaign
 * was expanded (someone replied STOP) is skipped; a phone never checked is looked up once
 * with the sender's driver and skipped when it has no WhatsApp. Both become `skipped`
 * rows with their reason.
 */
export async function prechecks(
  store: Store,
  session: SenderSession,
  run: RunningCampaign,
  claimed: ClaimedMessage[],
  now: number,
): Promise<Checked> {
  const workspaceId = run.campaign.workspaceId;
  const phones = [...new Set(claimed.map((m) => m.phone))];
  const suppressed = await store.suppressions.suppressedAmong(workspaceId, phones);
  const known = await store.numberChecks.known(workspaceId, phones, now - CHECK_VALID_MS);
  const unknown = phones.filter((p) => !known.has(p) && !suppressed.has(p));
  if (unknown.length > 0) {
    const checked = await session.driver.checkNumbers(unknown);
    if (checked.size > 0) await store.numberChecks.record(workspaceId, checked, now);
    for (const [phone, on] of checked) known.set(phone, on);
  }
  const ready: ClaimedMessage[] = [];
  const decided = new Map<ClaimedMessage, Delivery>();
  for (const m of claimed) {
    const base = { id: m.id, campaignId: run.id, attempt: m.attempt };
    if (suppressed.has(m.phone)) {
      decided.set(m, {
        settlements: [{ kind: 'skipped', ...base, reason: 'suppressed', detail: null }],
        signal: null,
      });
    } else if (known.get(m.phone) === false) {
      decided.set(m, {
        settlements: [
          {
            kind: 'skipped',
            ...base,
            reason: 'not_on_whatsapp',
            detail: 'the number has no WhatsApp account',
          },
        ],
        signal: null,
      });
    } else {
      ready.push(m);
    }
  }
  return { ready, decided };
}
