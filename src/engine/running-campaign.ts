import type { Campaign } from '../domain/campaign.ts';
import { type PacingPolicy, resolvePacing } from '../domain/pacing/pacing-policy.ts';
import { prepareExtras, prepareText, type RenderedExtras } from '../domain/template/render-message.ts';
import type { RenderContact } from '../domain/template/render-template.ts';
import type { RenderedVariant } from '../domain/template/render-variant.ts';
import { waMessageId } from '../domain/wa-message-id.ts';
import type { ClaimCandidate, ClaimPlan } from '../store/message-queue.ts';

/** A send the dispatcher has claimed and not yet settled. */
export interface Flight {
  messageId: string;
  /** `waiting` until the driver is called; a halted campaign releases waiting flights. */
  stage: 'waiting' | 'sending';
  /** Cancels a wait (typing) so a paused campaign releases the message at once. */
  cancelWait: (() => void) | null;
  done: Promise<void>;
}

/**
 * What the dispatcher keeps for a running campaign: its definition, the parsed template,
 * the resolved pacing, and its sends in flight. Rebuilt from the store whenever the
 * campaign changes; `halted` is set the moment it stops running so no new send starts.
 */
export class RunningCampaign {
  readonly campaign: Campaign;
  readonly policy: PacingPolicy;
  /** Renders the text alone: what a claim stores. */
  readonly renderText: (contact: RenderContact, seed: string) => RenderedVariant;
  /** Renders the captions and template parameters: what a send adds to the stored text. */
  readonly renderExtras: (contact: RenderContact, seed: string) => RenderedExtras;
  readonly flights = new Set<Flight>();
  readonly senderSet: ReadonlySet<string>;
  /** Round-robin position across passes. */
  readonly cursor = { next: 0 };
  halted = false;
  /** Outside its window at the last pass (so the wait is reported once). */
  waitingForWindow = false;

  constructor(campaign: Campaign) {
    this.campaign = campaign;
    this.senderSet = new Set(campaign.senderIds);
    this.policy = resolvePacing(campaign.pacing);
    const template = campaign.template ?? { variants: [''], attachments: [] };
    this.renderText = prepareText(template);
    this.renderExtras = prepareExtras(template);
  }

  get id(): string {
    return this.campaign.id;
  }

  /** No gaps at all: the sender may have several sends in flight. */
  get unpaced(): boolean {
    return this.policy.maxGapMs === 0 && this.policy.batch === null && this.policy.typing === null;
  }

  /**
   * Fixes a claimed row's WhatsApp id and text before any send. Both are derived from what
   * the message is (the id) and seeded by it (the text), so a re-claim after a retry or a
   * crash yields exactly the same ones; a stored text is kept as it was sent.
   */
  plan(candidate: ClaimCandidate): ClaimPlan {
    const waId =
      candidate.waId ??
      waMessageId(this.campaign.workspaceId, this.campaign.id, candidate.contactId ?? candidate.phone, 0);
    if (candidate.text !== null && candidate.variant !== null) {
      return { waId, text: candidate.text, variant: candidate.variant };
    }
    const rendered = this.renderText(recipient(candidate), waId);
    return { waId, text: rendered.text, variant: rendered.variantIndex };
  }

  /** The rest of the message for this recipient (captions, template parameters), seeded like the text. */
  renderFor(candidate: { contact: ClaimCandidate['contact']; phone: string }, waId: string): RenderedExtras {
    return this.renderExtras(recipient(candidate), waId);
  }
}

/** What a template reads of a claimed row's recipient; a bare phone has no name or fields. */
function recipient(candidate: { contact: ClaimCandidate['contact']; phone: string }): RenderContact {
  const contact = candidate.contact ?? { name: null, status: null, fields: {} };
  return { ...contact, phone: candidate.phone };
}
