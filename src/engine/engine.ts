import type { Logger } from 'pino';
import { windowOpensAt } from '../domain/campaign.ts';
import type { CancelTimer, Clock } from '../domain/clock.ts';
import type { IdFactory } from '../domain/id.ts';
import type { MediaProbe } from '../domain/media.ts';
import type { Random } from '../domain/random.ts';
import type { RetryPolicy } from '../domain/retry-policy.ts';
import type { Attachment } from '../domain/template.ts';
import type { FileStorage } from '../store/file-storage.ts';
import type { Store } from '../store/store.ts';
import type { SecretBox } from '../system/secret-box.ts';
import { AudienceExpander } from './audience-expander.ts';
import { CampaignLifecycle } from './campaign-lifecycle.ts';
import { ProgressTracker } from './campaign-progress.ts';
import { Dispatcher } from './dispatcher.ts';
import { EventBus } from './event-bus.ts';
import { defaultFleetSettings, Fleet, type FleetSettings } from './fleet.ts';
import { MessageEventWriter } from './message-event-writer.ts';
import { OptOuts } from './opt-outs.ts';
import { type DriverFactory, SenderSessions } from './sender-sessions.ts';

export interface EngineSettings {
  retry: RetryPolicy;
  fleet?: FleetSettings;
  claimBatch: number;
  maxInFlightPerSender: number;
  /**
   * How long a row a crash left `sending` on a driver without idempotent ids waits for a
   * receipt before it is failed as `unknown_outcome` (never re-sent).
   */
  reconcileGraceMs: number;
}

export interface EngineDeps {
  store: Store;
  clock: Clock;
  random: Random;
  log: Logger;
  newId: IdFactory;
  drivers: DriverFactory;
  /** Encrypts sender secrets and session keys at rest. */
  secrets: SecretBox;
  probeMedia: MediaProbe;
  /** Where uploaded files (and shrunk images) live. */
  files: FileStorage;
  fetchMedia: (url: string, limitBytes: number) => Promise<Buffer>;
  /** Images above this are re-encoded before a campaign sends them (350 KB by default). */
  imageMaxBytes: number;
  mediaUrl: (attachment: Attachment, workspaceId: string) => string;
  settings: EngineSettings;
  bus?: EventBus;
  trace?: (t: { senderId: string; plannedAt: number; startedAt: number }) => void;
  timing?: () => number;
  onSelection?: (s: { senders: number; messages: number; ms: number }) => void;
}

/**
 * The sending machinery wired together: sessions, dispatcher, expansion, lifecycle and
 * the writer for receipts. `start` runs the crash-recovery pass before anything sends.
 */
export class Engine {
  readonly bus: EventBus;
  readonly sessions: SenderSessions;
  readonly dispatcher: Dispatcher;
  readonly expander: AudienceExpander;
  readonly campaigns: CampaignLifecycle;
  readonly events: MessageEventWriter;
  readonly progress: ProgressTracker;
  readonly fleet: Fleet;
  readonly #deps: EngineDeps;
  #reconcileTimer: CancelTimer | null = null;
  /** Campaigns' reactions to sender changes, run one after another (see the constructor). */
  #senderReactions: Promise<void> = Promise.resolve();
  readonly #progressDue = new Set<string>();

  constructor(deps: EngineDeps) {
    this.#deps = deps;
    const { store, clock, random, log, newId } = deps;
    this.bus = deps.bus ?? new EventBus({ startedAt: clock.now() });
    this.progress = new ProgressTracker(this.bus);
    this.sessions = new SenderSessions({
      store,
      clock,
      bus: this.bus,
      log: log.child({ component: 'senders' }),
      factory: deps.drivers,
    });
    const optOuts = new OptOuts({
      store,
      clock,
      bus: this.bus,
      log: log.child({ component: 'opt-outs' }),
      newId,
    });
    this.events = new MessageEventWriter({
      store,
      clock,
      bus: this.bus,
      log: log.child({ component: 'receipts' }),
      optOuts,
      onLeftSending: (ids) =>
        void this.campaigns.checkCompletion(ids).catch((e: unknown) => this.#logError(e, 'completion check')),
    });
    this.fleet = new Fleet({
      store,
      clock,
      bus: this.bus,
      log: log.child({ component: 'fleet' }),
      sessions: this.sessions,
      settings: deps.settings.fleet ?? defaultFleetSettings,
    });
    this.dispatcher = new Dispatcher({
      fleet: this.fleet,
      optOuts,
      store,
      clock,
      random,
      bus: this.bus,
      log: log.child({ component: 'dispatcher' }),
      sessions: this.sessions,
      settings: deps.settings,
      mediaUrl: deps.mediaUrl,
      onSettled: (ids) => {
        void this.campaigns.checkCompletion(ids).catch((e: unknown) => this.#logError(e, 'completion check'));
        for (const id of ids) this.#progressSoon(id);
      },
      // Nothing settles while a campaign waits for its window: one progress event says so.
      onWindowClosed: (id) => this.#progressSoon(id),
      ...(deps.trace ? { trace: deps.trace } : {}),
      ...(deps.timing ? { timing: deps.timing } : {}),
      ...(deps.onSelection ? { onSelection: deps.onSelection } : {}),
    });
    this.expander = new AudienceExpander({
      store,
      clock,
      log: log.child({ component: 'expansion' }),
      onRows: () => this.dispatcher.wake(),
      onExpanded: (id) =>
        void this.campaigns
          .checkCompletion([id])
          .catch((e: unknown) => this.#logError(e, 'completion check')),
      onFailed: (id, reason) => void this.#publishCampaign('campaign.failed', id, { reason }),
    });
    this.campaigns = new CampaignLifecycle({
      store,
      clock,
      bus: this.bus,
      log: log.child({ component: 'campaigns' }),
      newId,
      dispatcher: this.dispatcher,
      expander: this.expander,
      sessions: this.sessions,
      probeMedia: deps.probeMedia,
      media: {
        store,
        files: deps.files,
        clock,
        newId,
        imageMaxBytes: deps.imageMaxBytes,
        fetchMedia: deps.fetchMedia,
      },
    });
    this.sessions.handleMessages((handled) => this.events.handle(handled));
    this.sessions.onSenderChange((sender) => {
      this.dispatcher.wake();
      // One reaction at a time, in the order of the changes. A sender that pairs again and
      // is connected a moment later asks first for a pause (`no_sender`), then for a resume;
      // run side by side, the resume could look before the pause had committed, find
      // nothing paused, and leave the campaign paused with a working sender.
      this.#senderReactions = this.#senderReactions
        .then(() => this.campaigns.senderChanged(sender))
        .catch((e: unknown) => this.#logError(e, 'sender change'));
    });
  }

  /** Encrypts a secret (a token, credentials) for the store. */
  seal(plain: string): string {
    return this.#deps.secrets.encrypt(plain);
  }

  /**
   * Restores sender sessions, settles what a crash left `sending` (re-queued where the
   * driver makes a re-send safe, otherwise awaiting a receipt), then connects the senders
   * and starts sending.
   */
  async start(): Promise<void> {
    const { store, clock, settings } = this.#deps;
    // Drivers are made first, for their capabilities, and connected only once recovery has
    // committed: a connected driver stores receipts for the very rows recovery moves, and
    // on PostgreSQL the two raced into deadlocks (about one start in fifty).
    await this.sessions.restoreAll();
    const idempotent = (await store.senders.all())
      .filter((s) => this.sessions.get(s.id)?.driver.capabilities.idempotentIds === true)
      .map((s) => s.id);
    const now = clock.now();
    // Safe to run again: it reads the rows afresh and each update is guarded by state.
    const touched = await store.transaction(
      (tx) => tx.queue.recoverSending(idempotent, now, now + settings.reconcileGraceMs),
      { retryConflicts: true },
    );
    if (touched.length > 0)
      this.#deps.log.info({ campaigns: touched.length }, 'recovered messages a stop left sending');
    await this.sessions.connectAll();
    await this.dispatcher.start();
    await this.expander.resumeUnfinished();
    this.campaigns.armSchedule();
    const running = await store.campaigns.withStatus(['running']);
    await this.campaigns.checkCompletion(running.map((c) => c.id));
    await this.#armReconcile();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#reconcileTimer?.();
    this.campaigns.dispose();
    await this.dispatcher[Symbol.asyncDispose]();
    await this.expander.idle();
    await this.sessions[Symbol.asyncDispose]();
    await this.#senderReactions;
    await this.events.flushed();
  }

  async #armReconcile(): Promise<void> {
    const { store, clock } = this.#deps;
    this.#reconcileTimer?.();
    this.#reconcileTimer = null;
    const at = await store.messages.nextReconcileAt();
    if (at === null) return;
    this.#reconcileTimer = clock.timer(at, () => {
      void (async () => {
        const ids = await store.transaction((tx) => tx.queue.expireReconciliation(clock.now()), {
          retryConflicts: true,
        });
        if (ids.length > 0)
          this.#deps.log.warn({ campaigns: ids.length }, 'messages with unknown outcome failed');
        await this.campaigns.checkCompletion(ids);
        await this.#armReconcile();
      })().catch((e: unknown) => this.#logError(e, 'reconciliation'));
    });
  }

  /**
   * A `campaign.progress` event at most once a second per campaign while it sends, with
   * counts read from the rows — for dashboards that do not want every message event —
   * and when it has to wait for its window (`windowOpensAt`).
   */
  #progressSoon(campaignId: string): void {
    if (this.#progressDue.has(campaignId)) return;
    const { clock } = this.#deps;
    this.#progressDue.add(campaignId);
    clock.timer(clock.now() + 1000, () => {
      this.#progressDue.delete(campaignId);
      void (async () => {
        const c = await this.#deps.store.campaigns.find(campaignId);
        if (c === null) return;
        this.bus.publish({
          type: 'campaign.progress',
          at: clock.now(),
          workspaceId: c.workspaceId,
          campaignId,
          data: {
            status: c.status,
            counts: c.counts,
            progress: this.progress.progress(c, clock.now()),
            windowOpensAt: toIso(windowOpensAt(c, clock.now())),
          },
        });
      })().catch((e: unknown) => this.#logError(e, 'progress event'));
    });
  }

  async #publishCampaign(
    type: 'campaign.failed',
    campaignId: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const c = await this.#deps.store.campaigns.find(campaignId);
    if (c === null) return;
    this.bus.publish({ type, at: this.#deps.clock.now(), workspaceId: c.workspaceId, campaignId, data });
  }

  #logError(error: unknown, what: string): void {
    this.#deps.log.error({ err: error }, `${what} failed`);
  }
}

const toIso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
