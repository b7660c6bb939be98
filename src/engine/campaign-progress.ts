import type { Campaign } from '../domain/campaign.ts';
import { resolvePacing } from '../domain/pacing/pacing-policy.ts';
import { finishInWindow, type SendWindow } from '../domain/pacing/send-window.ts';
import type { EventBus } from './event-bus.ts';

export interface CampaignProgress {
  /** Share of recipients with a final outcome, 0–100. */
  percent: number;
  /** Messages settled per minute over the last five minutes, as observed; null until 30 s in. */
  observedPerMinute: number | null;
  /** What the pacing allows with the campaign's senders, per minute (null: unpaced). */
  plannedPerMinute: number | null;
  /**
   * Seconds until every recipient is done at the better-known of the two rates, sending
   * only while the campaign's window is open (the waits for it count).
   */
  etaSeconds: number | null;
}

const WINDOW_MS = 5 * 60_000;
/** Below this much observed time a rate is noise (a burst of the first sends). */
const MIN_OBSERVED_MS = 30_000;

/**
 * Rates for progress bars: planned from the pacing policy (the mean gap, with batch pauses
 * spread over their batch), observed from recent `message.*` events. A rate is an estimate,
 * not a count: counts always come from the rows.
 */
export class ProgressTracker {
  readonly #settled = new Map<string, number[]>();

  constructor(bus: EventBus) {
    bus.subscribe((e) => {
      if (e.campaignId === undefined) return;
      if (e.type !== 'message.sent' && e.type !== 'message.failed' && e.type !== 'message.skipped') return;
      const list = this.#settled.get(e.campaignId) ?? [];
      list.push(e.at);
      if (list.length > 20_000) list.splice(0, list.length - 20_000);
      this.#settled.set(e.campaignId, list);
    });
  }

  progress(campaign: Campaign, now: number): CampaignProgress {
    const { total, queued, sending } = campaign.counts;
    const remaining = queued + sending;
    const done = total - remaining;
    const finished = ['completed', 'stopped', 'failed'].includes(campaign.status);
    const percent = total === 0 ? (finished ? 100 : 0) : Math.round((done / total) * 1000) / 10;
    const recent = (this.#settled.get(campaign.id) ?? []).filter((t) => t > now - WINDOW_MS);
    const since = Math.max(now - WINDOW_MS, campaign.startedAt ?? now - WINDOW_MS);
    const span = now - since;
    const observed = span < MIN_OBSERVED_MS ? null : (recent.length / span) * 60_000;
    const planned = plannedPerMinute(campaign);
    const rate = observed !== null && observed > 0 ? observed : planned;
    return {
      percent,
      observedPerMinute: observed === null ? null : Math.round(observed * 10) / 10,
      plannedPerMinute: planned === null ? null : Math.round(planned * 10) / 10,
      etaSeconds:
        finished || remaining === 0
          ? 0
          : rate === null || rate === 0
            ? null
            : etaSeconds(campaign.window, now, (remaining / rate) * 60_000),
    };
  }
}

/** Seconds from `now` until `workMs` of sending is done, within the window if there is one. */
function etaSeconds(window: SendWindow | null, now: number, workMs: number): number | null {
  const finish = window === null ? now + workMs : finishInWindow(window, now, workMs);
  return finish === null ? null : Math.round((finish - now) / 1000);
}

export function plannedPerMinute(campaign: Pick<Campaign, 'pacing' | 'senderIds'>): number | null {
  const policy = resolvePacing(campaign.pacing);
  let meanGapMs = (policy.minGapMs + policy.maxGapMs) / 2;
  if (policy.batch !== null) {
    meanGapMs =
      (meanGapMs * (policy.batch.every - 1) + (policy.batch.minMs + policy.batch.maxMs) / 2) /
      policy.batch.every;
  }
  if (policy.typing !== null) meanGapMs += (policy.typing.minMs + policy.typing.maxMs) / 4;
  if (meanGapMs === 0) return null;
  return (campaign.senderIds.length * 60_000) / meanGapMs;
}
