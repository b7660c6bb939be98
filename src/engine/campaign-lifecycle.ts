import type { Logger } from 'pino';
import {
  type Campaign,
  type CampaignStatus,
  emptyCounts,
  isActive,
  requireMove,
} from '../domain/campaign.ts';
import type { CancelTimer, Clock } from '../domain/clock.ts';
import { isKurirError, KurirError, notFound } from '../domain/errors.ts';
import type { IdFactory } from '../domain/id.ts';
import type { MediaProbe } from '../domain/media.ts';
import { defaultPacing } from '../domain/pacing/pacing-policy.ts';
import type { Sender, SenderDriverKind } from '../domain/sender.ts';
import type { CampaignChange, CampaignDraft } from '../store/campaigns.ts';
import type { Store } from '../store/store.ts';
import type { AudienceExpander } from './audience-expander.ts';
import {
  type CampaignDefinition,
  checkAudienceNotEmpty,
  checkAudienceReady,
  checkDefinition,
  checkMedia,
} from './campaign-validation.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { EventBus, KurirEventType } from './event-bus.ts';
import { type MediaPreparerDeps, prepareImages } from './media-preparer.ts';
import type { SenderSessions } from './sender-sessions.ts';

export interface CampaignLifecycleDeps {
  store: Store;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  newId: IdFactory;
  dispatcher: Dispatcher;
  expander: AudienceExpander;
  sessions: SenderSessions;
  probeMedia: MediaProbe;
  media: MediaPreparerDeps;
}

/**
 * A campaign's life: draft → scheduled → running ⇄ paused → completed | stopped | failed.
 * Every move is a compare-and-set on the stored status, then the dispatcher is told; a
 * pause or stop returns only after the dispatcher has let go of the campaign's sends. Also
 * pauses campaigns that lost every sender and resumes them when one comes back.
 */
export class CampaignLifecycle {
  readonly #deps: CampaignLifecycleDeps;
  #scheduleTimer: CancelTimer | null = null;

  constructor(deps: CampaignLifecycleDeps) {
    this.#deps = deps;
  }

  async create(
    workspaceId: string,
    definition: Partial<CampaignDefinition> & Pick<CampaignDefinition, 'name' | 'templateId' | 'senderIds'>,
  ): Promise<Campaign> {
    const { store, clock, newId } = this.#deps;
    const d: CampaignDefinition = {
      audience: {},
      senderStrategy: 'round_robin',
      pacing: defaultPacing,
      window: null,
      startAt: null,
      ...definition,
    };
    await checkDefinition(store, workspaceId, d);
    const now = clock.now();
    const campaign: Campaign = {
      id: newId('cmp'),
      workspaceId,
      name: d.name,
      templateId: d.templateId,
      template: null,
      audience: d.audience,
      senderIds: d.senderIds,
      senderStrategy: d.senderStrategy,
      pacing: d.pacing,
      window: d.window,
      startAt: d.startAt,
      status: 'draft',
      pauseReason: null,
      error: null,
      counts: emptyCounts(),
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
      expandedAt: null,
    };
    return store.transaction((tx) => tx.campaigns.create(campaign));
  }

  /**
   * The campaign, if it may still change: a draft or a scheduled one. An audience upload
   * asks before it reads its file, so no file is imported for a campaign past changing.
   */
  async editable(workspaceId: string, id: string): Promise<Campaign> {
    const campaign = await this.#get(workspaceId, id);
    if (campaign.status !== 'draft' && campaign.status !== 'scheduled') {
      throw new KurirError(
        'campaign.invalid_state',
        `Campaign ${id} is ${campaign.status}; only drafts and scheduled campaigns change`,
      );
    }
    return campaign;
  }

  /**
   * Changes a draft, or a scheduled campaign, which goes back to waiting for its time —
   * or, given `startAt: null`, back to being a draft: no start time means nothing to wait
   * for, not "start now" (a draft starts only when asked to).
   */
  async update(workspaceId: string, id: string, draft: CampaignDraft): Promise<Campaign> {
    const { store, clock } = this.#deps;
    const current = await this.editable(workspaceId, id);
    const merged: CampaignDefinition = {
      name: draft.name ?? current.name,
      templateId: draft.templateId ?? current.templateId ?? '',
      audience: draft.audience ?? current.audience,
      senderIds: draft.senderIds ?? current.senderIds,
      senderStrategy: draft.senderStrategy ?? current.senderStrategy,
      pacing: draft.pacing ?? current.pacing,
      window: draft.window === undefined ? current.window : draft.window,
      startAt: draft.startAt === undefined ? current.startAt : draft.startAt,
    };
    await checkDefinition(store, workspaceId, merged);
    const unschedule = current.status === 'scheduled' && draft.startAt === null;
    await store.transaction(async (tx) => {
      const now = clock.now();
      // A compare-and-set: the schedule may be starting it this very moment.
      if (unschedule && !(await tx.campaigns.transition(id, ['scheduled'], { status: 'draft' }, now))) {
        throw new KurirError('campaign.invalid_state', `Campaign ${id} started meanwhile; reload it`);
      }
      await tx.campaigns.update(workspaceId, id, draft, now);
    });
    if (current.status === 'scheduled') this.armSchedule();
    if (unschedule) this.#publish('campaign.unscheduled', current, {});
    return this.#get(workspaceId, id);
  }

  /**
   * Starts now, or at `startAt` when that is in the future. Checks everything a run needs
   * first — template, senders, media — so a campaign does not fail on its first send.
   */
  async start(workspaceId: string, id: string, at?: number | null): Promise<Campaign> {
    const { store, clock } = this.#deps;
    const campaign = await this.#get(workspaceId, id);
    requireMove(campaign, 'running', 'start');
    const startAt = at === undefined ? campaign.startAt : at;
    const template = await checkDefinition(store, workspaceId, {
      ...campaign,
      templateId: campaign.templateId ?? '',
      startAt,
    });
    await checkAudienceReady(store, workspaceId, campaign.audience);
    const drivers = await this.#driversOf(campaign);
    await checkMedia(store, this.#deps.probeMedia, workspaceId, template.attachments, drivers);
    const now = clock.now();
    if (startAt !== null && startAt > now) {
      if (!(await store.campaigns.transition(id, ['draft'], { status: 'scheduled', startAt }, now))) {
        throw new KurirError('campaign.invalid_state', `Campaign ${id} changed while starting; try again`);
      }
      this.#publish('campaign.scheduled', campaign, { startAt: new Date(startAt).toISOString() });
      this.armSchedule();
      return this.#get(workspaceId, id);
    }
    await this.#begin(campaign, ['draft', 'scheduled']);
    return this.#get(workspaceId, id);
  }

  async pause(workspaceId: string, id: string): Promise<Campaign> {
    const campaign = await this.#get(workspaceId, id);
    requireMove(campaign, 'paused', 'pause');
    await this.#move(campaign, ['running'], { status: 'paused', pauseReason: 'user' }, 'campaign.paused', {
      reason: 'user',
    });
    await this.#deps.dispatcher.campaignChanged(id);
    return this.#get(workspaceId, id);
  }

  async resume(workspaceId: string, id: string): Promise<Campaign> {
    const campaign = await this.#get(workspaceId, id);
    requireMove(campaign, 'running', 'resume');
    if (campaign.status !== 'paused')
      throw new KurirError('campaign.invalid_state', `Campaign ${id} is ${campaign.status}, not paused`);
    await this.#move(campaign, ['paused'], { status: 'running', pauseReason: null }, 'campaign.resumed', {});
    await this.#deps.dispatcher.campaignChanged(id);
    // Everything may have settled while it was paused.
    await this.checkCompletion([id]);
    return this.#get(workspaceId, id);
  }

  /**
   * Stops for good: sends under way finish, everything still queued becomes `cancelled`.
   * `campaign.stopped` is published once the rows are cancelled, with the final counts, so
   * a client that re-reads the campaign on that event sees nothing left queued. Like the
   * stop's other rows, the cancelled ones get no event each: a stop of 100,000 queued
   * messages is one event, not 100,000.
   */
  async stop(workspaceId: string, id: string): Promise<Campaign> {
    const { store, clock } = this.#deps;
    const campaign = await this.#get(workspaceId, id);
    requireMove(campaign, 'stopped', 'stop');
    await this.#transition(campaign, ['draft', 'scheduled', 'running', 'paused'], {
      status: 'stopped',
      finishedAt: clock.now(),
    });
    await this.#deps.dispatcher.campaignChanged(id);
    await this.#deps.expander.idle();
    const cancelled = await store.transaction((tx) => tx.queue.cancelQueued(id, clock.now()));
    const stopped = await this.#get(workspaceId, id);
    this.#publish('campaign.stopped', campaign, { cancelled, counts: stopped.counts });
    return stopped;
  }

  async clone(workspaceId: string, id: string): Promise<Campaign> {
    const source = await this.#get(workspaceId, id);
    if (source.templateId === null) {
      throw new KurirError(
        'campaign.invalid',
        'The template of this campaign was deleted; it cannot be cloned',
        {
          errors: [{ pointer: '/templateId', detail: 'no longer exists' }],
        },
      );
    }
    return this.create(workspaceId, {
      name: `${source.name} (copy)`.slice(0, 200),
      templateId: source.templateId,
      audience: source.audience,
      senderIds: source.senderIds,
      senderStrategy: source.senderStrategy,
      pacing: source.pacing,
      window: source.window,
      startAt: null,
    });
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    const campaign = await this.#get(workspaceId, id);
    if (isActive(campaign.status)) {
      throw new KurirError(
        'campaign.invalid_state',
        `Campaign ${id} is ${campaign.status}; stop it before deleting it`,
      );
    }
    await this.#deps.store.campaigns.delete(workspaceId, id);
  }

  /** Marks running campaigns whose every row is final as completed. */
  async checkCompletion(ids: Iterable<string>): Promise<void> {
    const { store, clock } = this.#deps;
    for (const id of ids) {
      // Cheap first look: this runs after every batch of settled sends.
      const glance = await store.campaigns.remaining(id);
      if (glance === null || glance.status !== 'running' || !glance.expanded || glance.remaining > 0)
        continue;
      const c = await store.campaigns.find(id);
      if (c === null || c.status !== 'running' || c.expandedAt === null) continue;
      if (c.counts.queued + c.counts.sending > 0) continue;
      if (
        await store.campaigns.transition(
          id,
          ['running'],
          { status: 'completed', finishedAt: clock.now() },
          clock.now(),
        )
      ) {
        this.#publish('campaign.completed', c, { counts: c.counts });
        await this.#deps.dispatcher.campaignChanged(id);
      }
    }
  }

  /**
   * A campaign none of whose senders can send is paused (`no_sender`), as the earlier
   * systems did on logout; it resumes by itself when one of them can send again.
   */
  async senderChanged(sender: Sender): Promise<void> {
    const { store, sessions } = this.#deps;
    for (const campaignId of await store.campaigns.usingSender(sender.id, ['running', 'paused'])) {
      const c = await store.campaigns.find(campaignId);
      if (c === null) continue;
      const anyUsable = c.senderIds.some((id) => sessions.get(id)?.canSend() === true);
      if (c.status === 'running' && !anyUsable && sender.connection !== 'disconnected') {
        await this.#move(c, ['running'], { status: 'paused', pauseReason: 'no_sender' }, 'campaign.paused', {
          reason: 'no_sender',
        });
        await this.#deps.dispatcher.campaignChanged(c.id);
      } else if (c.status === 'paused' && c.pauseReason === 'no_sender' && anyUsable) {
        await this.#move(c, ['paused'], { status: 'running', pauseReason: null }, 'campaign.resumed', {
          reason: 'sender_back',
        });
        await this.#deps.dispatcher.campaignChanged(c.id);
        await this.checkCompletion([c.id]);
      }
    }
  }

  /** Sets the timer for the next scheduled start (call after anything that schedules). */
  armSchedule(): void {
    void (async () => {
      const { store, clock } = this.#deps;
      const scheduled = await store.campaigns.withStatus(['scheduled']);
      this.#scheduleTimer?.();
      this.#scheduleTimer = null;
      const next = Math.min(...scheduled.map((c) => c.startAt ?? 0));
      if (scheduled.length === 0) return;
      this.#scheduleTimer = clock.timer(next, () => void this.#startDue());
    })().catch((error: unknown) =>
      this.#deps.log.error({ err: error }, 'could not arm the campaign schedule'),
    );
  }

  dispose(): void {
    this.#scheduleTimer?.();
  }

  async #startDue(): Promise<void> {
    const { store, clock } = this.#deps;
    for (const c of await store.campaigns.withStatus(['scheduled'])) {
      if ((c.startAt ?? 0) > clock.now()) continue;
      try {
        await this.#begin(c, ['scheduled']);
      } catch (error) {
        this.#deps.log.error({ err: error, campaignId: c.id }, 'scheduled campaign could not start');
        const reason = String((error as Error).message);
        if (
          await store.campaigns.transition(
            c.id,
            ['scheduled'],
            { status: 'failed', error: reason, finishedAt: clock.now() },
            clock.now(),
          )
        ) {
          this.#publish('campaign.failed', c, {
            reason,
            ...(isKurirError(error) ? { code: error.code } : {}),
          });
        }
      }
    }
    this.armSchedule();
  }

  async #begin(campaign: Campaign, from: CampaignStatus[]): Promise<void> {
    const { store, clock } = this.#deps;
    const template =
      campaign.templateId === null
        ? null
        : await store.templates.get(campaign.workspaceId, campaign.templateId);
    if (template === null)
      throw new KurirError('campaign.invalid', 'The template of this campaign no longer exists');
    await checkAudienceNotEmpty(store, campaign.workspaceId, campaign.audience);
    const now = clock.now();
    const snapshot = {
      variants: template.variants,
      // Large images are shrunk once here, so every recipient gets the same small file.
      attachments: await prepareImages(this.#deps.media, campaign.workspaceId, template.attachments),
      whatsappTemplate: template.whatsappTemplate ?? null,
    };
    await this.#move(
      campaign,
      from,
      { status: 'running', template: snapshot, startedAt: now },
      'campaign.started',
      {},
    );
    const started = await store.campaigns.find(campaign.id);
    if (started !== null) void this.#deps.expander.expand(started);
    await this.#deps.dispatcher.campaignChanged(campaign.id);
    await this.#pauseIfNoSender(campaign);
  }

  /**
   * A campaign that starts while none of its senders can send (logged out, banned, paused,
   * not paired yet) is paused at once with `no_sender`, as when it loses its last sender
   * mid-run, instead of showing `running` while nothing is sent; and like that one it
   * resumes by itself when a sender can send (`senderChanged`).
   */
  async #pauseIfNoSender(campaign: Campaign): Promise<void> {
    const { store, clock, sessions, dispatcher } = this.#deps;
    const anyUsable = () => campaign.senderIds.some((id) => sessions.get(id)?.canSend() === true);
    if (anyUsable()) return;
    const paused = await store.campaigns.transition(
      campaign.id,
      ['running'],
      { status: 'paused', pauseReason: 'no_sender' },
      clock.now(),
    );
    if (!paused) return; // stopped or paused by a person meanwhile
    this.#publish('campaign.paused', campaign, { reason: 'no_sender' });
    await dispatcher.campaignChanged(campaign.id);
    // A sender that connected while this was pausing found the campaign running and left it.
    if (!anyUsable()) return;
    if (
      await store.campaigns.transition(
        campaign.id,
        ['paused'],
        { status: 'running', pauseReason: null },
        clock.now(),
      )
    ) {
      this.#publish('campaign.resumed', campaign, { reason: 'sender_back' });
      await dispatcher.campaignChanged(campaign.id);
    }
  }

  async #move(
    campaign: Campaign,
    from: CampaignStatus[],
    change: CampaignChange,
    event: KurirEventType,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.#transition(campaign, from, change);
    this.#publish(event, campaign, data);
  }

  /** The compare-and-set of a move, without its event. */
  async #transition(campaign: Campaign, from: CampaignStatus[], change: CampaignChange): Promise<void> {
    const ok = await this.#deps.store.campaigns.transition(campaign.id, from, change, this.#deps.clock.now());
    if (!ok)
      throw new KurirError(
        'campaign.invalid_state',
        `Campaign ${campaign.id} changed meanwhile; reload it and try again`,
      );
  }

  #publish(type: KurirEventType, campaign: Campaign, data: Record<string, unknown>): void {
    this.#deps.bus.publish({
      type,
      at: this.#deps.clock.now(),
      workspaceId: campaign.workspaceId,
      campaignId: campaign.id,
      data,
    });
  }

  async #driversOf(campaign: Campaign): Promise<SenderDriverKind[]> {
    const kinds = new Set<SenderDriverKind>();
    for (const id of campaign.senderIds) {
      const sender = await this.#deps.store.senders.get(campaign.workspaceId, id);
      if (sender !== null) kinds.add(sender.driver);
    }
    return [...kinds];
  }

  async #get(workspaceId: string, id: string): Promise<Campaign> {
    const campaign = await this.#deps.store.campaigns.get(workspaceId, id);
    if (campaign === null) throw notFound('campaign', id);
    return campaign;
  }
}
