import { KurirError } from './errors.ts';
import type { PacingInput } from './pacing/pacing-policy.ts';
import { nextInWindow, type SendWindow } from './pacing/send-window.ts';
import type { Attachment, WhatsappTemplate } from './template.ts';

export const campaignStatuses = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'completed',
  'stopped',
  'failed',
] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/** Who a campaign goes to: filters over contacts, explicit ids, or contacts from a CSV. */
export interface Audience {
  tags?: string[];
  status?: string[];
  fields?: Record<string, string>;
  contactIds?: string[];
  /** The contacts of a CSV uploaded as this audience (`POST /v1/campaigns/{id}/audience`): its import job. */
  importId?: string;
}

/** Row counts by state; kept in the same transaction as the rows they count. */
export interface CampaignCounts {
  total: number;
  queued: number;
  sending: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  /** Never sent because the campaign was stopped first. */
  cancelled: number;
}

export const emptyCounts = (): CampaignCounts => ({
  total: 0,
  queued: 0,
  sending: 0,
  sent: 0,
  delivered: 0,
  read: 0,
  failed: 0,
  skipped: 0,
  cancelled: 0,
});

export const senderStrategies = ['round_robin', 'least_loaded', 'sticky'] as const;
/**
 * `round_robin` takes the senders in turn; `least_loaded` prefers the one that sent least
 * lately; `sticky` keeps a contact on the sender that reached them before, where it can.
 */
export type SenderStrategy = (typeof senderStrategies)[number];

/** Why a campaign is paused: by a person, or by Kurir because no sender can send. */
export type PauseReason = 'user' | 'no_sender';

export interface Campaign {
  id: string;
  workspaceId: string;
  name: string;
  templateId: string | null;
  /** The template as it was when the campaign started: later edits do not change a run. */
  template: {
    variants: string[];
    attachments: Attachment[];
    whatsappTemplate?: WhatsappTemplate | null;
  } | null;
  audience: Audience;
  senderIds: string[];
  /** How each message picks one of the senders. */
  senderStrategy: SenderStrategy;
  pacing: PacingInput;
  window: SendWindow | null;
  startAt: number | null;
  status: CampaignStatus;
  pauseReason: PauseReason | null;
  error: string | null;
  counts: CampaignCounts;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** When every recipient had a message row; until then the campaign cannot complete. */
  expandedAt: number | null;
}

const transitions: Record<CampaignStatus, readonly CampaignStatus[]> = {
  draft: ['scheduled', 'running', 'stopped'],
  scheduled: ['running', 'draft', 'stopped'],
  running: ['paused', 'completed', 'stopped', 'failed'],
  paused: ['running', 'stopped', 'completed'],
  completed: [],
  stopped: [],
  failed: [],
};

export function canMove(from: CampaignStatus, to: CampaignStatus): boolean {
  return transitions[from].includes(to);
}

/** Throws `campaign.invalid_state` naming what the campaign is and what was asked. */
export function requireMove(
  campaign: Pick<Campaign, 'id' | 'status'>,
  to: CampaignStatus,
  verb: string,
): void {
  if (!canMove(campaign.status, to)) {
    throw new KurirError(
      'campaign.invalid_state',
      `Cannot ${verb} campaign ${campaign.id}: it is ${campaign.status}`,
    );
  }
}

/** Scheduled, running or paused: a campaign that must be stopped before it is deleted. */
export function isActive(status: CampaignStatus): boolean {
  return status === 'running' || status === 'paused' || status === 'scheduled';
}

/**
 * When a running (or paused) campaign that is outside its window may send again; null when
 * it is inside its window, has none, or is not under way.
 */
export function windowOpensAt(campaign: Pick<Campaign, 'status' | 'window'>, now: number): number | null {
  if (campaign.window === null || (campaign.status !== 'running' && campaign.status !== 'paused'))
    return null;
  const opens = nextInWindow(campaign.window, now);
  return opens !== null && opens > now ? opens : null;
}
