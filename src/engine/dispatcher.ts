import type { Logger } from 'pino';
import type { CancelTimer, Clock } from '../domain/clock.ts';
import { QUOTA_HORIZON_MS } from '../domain/pacing/quota.ts';
import { nextInWindow } from '../domain/pacing/send-window.ts';
import type { Random } from '../domain/random.ts';
import type { RetryPolicy } from '../domain/retry-policy.ts';
import type { Attachment } from '../domain/template.ts';
import type { ClaimedMessage, Settlement } from '../store/message-queue.ts';
import type { Store } from '../store/store.ts';
import type { EventBus } from './event-bus.ts';
import type { Fleet, SenderOutcome } from './fleet.ts';
import { GroupCommit } from './group-commit.ts';
import { type Delivery, type DeliveryDeps, deliver, type SenderSignal } from './message-delivery.ts';
import { publishSettlements } from './message-events.ts';
import type { OptOuts } from './opt-outs.ts';
import { type Checked, prechecks } from './prechecks.ts';
import { type Flight, RunningCampaign } from './running-campaign.ts';
import { SenderPace } from './sender-pace.ts';
import { type Candidate, makeAssigner } from './sender-selection.ts';
import type { SenderSession, SenderSessions } from './sender-sessions.ts';

export interface DispatcherSettings {
  retry: RetryPolicy;
  /** Rows claimed at once per sender when a campaign has no pacing. */
  claimBatch: number;
  /** Sends in flight per sender when a campaign has no pacing (one otherwise). */
  maxInFlightPerSender: number;
  reconcileGraceMs: number;
}

export interface DispatcherDeps {
  store: Store;
  clock: Clock;
  random: Random;
  bus: EventBus;
  log: Logger;
  sessions: SenderSessions;
  settings: DispatcherSettings;
  mediaUrl: (attachment: Attachment, workspaceId: string) => string;
  /** Told when a campaign may have finished (its last row settled). */
  onSettled: (campaignIds: Set<string>) => void;
  /** Told once when a running campaign finds its window closed, until it opens again. */
  onWindowClosed?: (campaignId: string) => void;
  /** Health, usability and auto-pause of senders. */
  fleet: Fleet;
  /** Suppresses recipients a network refused because they opted out. */
  optOuts: OptOuts;
  /** Observes each send's planned and actual start, for the pacing benchmark. */
  trace?: (t: { senderId: string; plannedAt: number; startedAt: number }) => void;
  /** A fine clock (ms) and a sink, for measuring the cost of choosing senders (benchmark). */
  timing?: () => number;
  onSelection?: (s: { senders: number; messages: number; ms: number }) => void;
}

/**
 * Sends due messages at each sender's pace. It never sleeps holding a message: it claims
 * what is due now, sets one timer for the earliest instant something else becomes due
 * (a sender's gap, a quota, a window, a retry) and is woken early by anything that may
 * change the answer (a settled send, a sender reconnecting, a campaign starting).
 */
export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #campaigns = new Map<string, RunningCampaign>();
  readonly #paces = new Map<string, SenderPace>();
  /** Campaign → workspace, for events about settled rows of campaigns no longer running. */
  readonly #workspaceOf = new Map<string, string>();
  readonly #settles: GroupCommit<Settlement>;
  /** What every send needs, built once: the deps never change after construction. */
  readonly #delivery: DeliveryDeps;
  #timer: CancelTimer | null = null;
  #timerAt = Number.POSITIVE_INFINITY;
  #ticking = false;
  #again = false;
  #closed = false;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    this.#settles = new GroupCommit((items) => this.#writeSettlements(items));
    this.#delivery = {
      ...deps,
      retry: deps.settings.retry,
      reconcileGraceMs: deps.settings.reconcileGraceMs,
      wait: (ms, onCancel) => this.#wait(ms, onCancel),
    };
  }

  /** Loads every running campaign and starts sending. */
  async start(): Promise<void> {
    for (const campaign of await this.#deps.store.campaigns.withStatus(['running'])) {
      this.#campaigns.set(campaign.id, new RunningCampaign(campaign));
      this.#workspaceOf.set(campaign.id, campaign.workspaceId);
    }
    this.wake();
  }

  /** Runs a scheduling pass soon; calls made while one runs fold into one more pass. */
  wake(): void {
    if (this.#closed) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    queueMicrotask(() => void this.#loop());
  }

  /**
   * Re-reads a campaign after its state changed. When it no longer runs, no new send of it
   * starts from this moment, sends not yet handed to a driver go back to the queue, and
   * this resolves only once the sends already under way are settled: a pause response
   * sent after this never precedes a send.
   */
  async campaignChanged(campaignId: string): Promise<void> {
    const campaign = await this.#deps.store.campaigns.find(campaignId);
    const previous = this.#campaigns.get(campaignId);
    if (campaign !== null) this.#workspaceOf.set(campaign.id, campaign.workspaceId);
    if (campaign !== null && campaign.status === 'running') {
      const next = new RunningCampaign(campaign);
      if (previous) for (const f of previous.flights) next.flights.add(f);
      this.#campaigns.set(campaignId, next);
      if (previous === undefined) for (const id of campaign.senderIds) this.#paces.get(id)?.resetRun();
      this.wake();
      return;
    }
    this.#campaigns.delete(campaignId);
    if (previous === undefined) return;
    previous.halted = true;
    for (const flight of previous.flights) flight.cancelWait?.();
    await Promise.all([...previous.flights].map((f) => f.done));
  }

  /**
   * A send made outside the queue (a test send) counts against the sender's quotas from
   * now on. A sender not loaded yet reads its claims from the rows, where that send is.
   */
  senderUsed(senderId: string, at: number): void {
    this.#paces.get(senderId)?.noteSend(at);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    this.#timer?.();
    for (const run of this.#campaigns.values()) {
      run.halted = true;
      for (const flight of run.flights) flight.cancelWait?.();
    }
    await Promise.all([...this.#campaigns.values()].flatMap((r) => [...r.flights].map((f) => f.done)));
    await this.#settles.flushed();
  }

  async #loop(): Promise<void> {
    try {
      do {
        this.#again = false;
        await this.#tick();
      } while (this.#again && !this.#closed);
    } catch (error) {
      this.#deps.log.error({ err: error }, 'dispatcher pass failed; retrying in a second');
      this.#arm(this.#deps.clock.now() + 1000);
    } finally {
      this.#ticking = false;
    }
  }

  async #tick(): Promise<void> {
    const { clock, sessions, store, fleet } = this.#deps;
    const now = clock.now();
    let earliest = Number.POSITIVE_INFINITY;
    for (const run of [...this.#campaigns.values()]) {
      if (run.halted) continue;
      const window = run.campaign.window;
      if (window !== null) {
        const open = nextInWindow(window, now);
        if (open === null) continue;
        const waiting = open > now;
        if (waiting && !run.waitingForWindow) this.#deps.onWindowClosed?.(run.id);
        run.waitingForWindow = waiting;
        if (waiting) {
          earliest = Math.min(earliest, open);
          continue;
        }
      }
      const selecting = this.#deps.timing?.() ?? 0;
      const ready = new Map<string, { session: SenderSession; pace: SenderPace; plannedAt: number }>();
      const tracing = this.#deps.trace !== undefined;
      const leastLoaded = run.campaign.senderStrategy === 'least_loaded';
      const candidates: Candidate[] = [];
      for (const senderId of run.campaign.senderIds) {
        if (!fleet.usable(senderId, now)) continue;
        const session = sessions.get(senderId) as SenderSession;
        const pace = this.#paces.get(senderId) ?? (await this.#pace(senderId, now));
        const maxInFlight = run.unpaced ? this.#deps.settings.maxInFlightPerSender : 1;
        if (pace.inFlight >= maxInFlight) continue;
        const quotas = session.sender.quotas;
        const cap = session.driver.capabilities.maxPerSecond;
        const readyAt = pace.readyAt(now, quotas, cap);
        if (readyAt > now) {
          earliest = Math.min(earliest, readyAt);
          continue;
        }
        const room = Math.min(
          maxInFlight - pace.inFlight,
          pace.quotaRoom(now, quotas),
          run.unpaced ? this.#deps.settings.claimBatch : 1,
        );
        if (room <= 0) continue;
        // Only `least_loaded` reads the load.
        const load = leastLoaded ? pace.inFlight + pace.recentCount(now, 3_600_000) : 0;
        candidates.push({ senderId, room, load });
        // When this sender's next send was due (its gap, quota or cap): how late it starts.
        const plannedAt = tracing ? pace.readyAt(pace.nextFreeAt, quotas, cap) : 0;
        ready.set(senderId, { session, pace, plannedAt });
      }
      if (candidates.length === 0) continue;
      const assign = makeAssigner(
        run.campaign.senderStrategy,
        candidates,
        run.cursor,
        (id) => fleet.usable(id, now),
        run.senderSet,
      );
      const slots = candidates.reduce((n, c) => n + c.room, 0);
      let selectionMs = (this.#deps.timing?.() ?? 0) - selecting;
      const claimed = await store.transaction((tx) =>
        tx.queue.claimFor(run.id, slots, now, {
          senders: candidates.map((c) => c.senderId),
          sticky: run.campaign.senderStrategy === 'sticky',
          choose: (candidate) => {
            const started = this.#deps.timing?.() ?? 0;
            const senderId = assign({ resendVia: candidate.resendVia, preferred: candidate.preferredSender });
            selectionMs += (this.#deps.timing?.() ?? 0) - started;
            return senderId === null ? null : { senderId, ...run.plan(candidate) };
          },
        }),
      );
      this.#deps.onSelection?.({ senders: candidates.length, messages: claimed.length, ms: selectionMs });
      if (claimed.length === 0) {
        const due = await store.messages.nextDueAt(run.id);
        if (due !== null && due > now) earliest = Math.min(earliest, due);
        continue;
      }
      const bySender = new Map<string, ClaimedMessage[]>();
      for (const message of claimed) {
        const list = bySender.get(message.senderId) ?? [];
        list.push(message);
        bySender.set(message.senderId, list);
      }
      // One round of checks (suppressions, WhatsApp numbers) for the whole pass, not one
      // per sender: with a thousand senders that is the difference of a thousand queries.
      const first = ready.get(claimed[0]?.senderId ?? '') as { session: SenderSession };
      const checks = prechecks(store, first.session, run, claimed, now);
      checks.catch(() => {}); // each launch reports a failure itself
      for (const [senderId, messages] of bySender) {
        const { session, pace, plannedAt } = ready.get(senderId) as {
          session: SenderSession;
          pace: SenderPace;
          plannedAt: number;
        };
        for (const _ of messages) {
          const { gapMs } = pace.claimed(now, run.policy, this.#deps.random);
          pace.nextFreeAt = now + gapMs;
          pace.inFlight++;
        }
        this.#deps.trace?.({ senderId, plannedAt, startedAt: clock.now() });
        this.#launch(run, session, pace, messages, checks);
      }
    }
    this.#arm(earliest);
  }

  #arm(at: number): void {
    if (this.#closed || at === Number.POSITIVE_INFINITY) return;
    if (this.#timer !== null && this.#timerAt <= at) return;
    this.#timer?.();
    this.#timerAt = at;
    this.#timer = this.#deps.clock.timer(at, () => {
      this.#timer = null;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.wake();
    });
  }

  async #pace(senderId: string, now: number): Promise<SenderPace> {
    let pace = this.#paces.get(senderId);
    if (pace === undefined) {
      // Quotas count what the sender claimed before a restart too.
      pace = new SenderPace(await this.#deps.store.messages.claimTimes(senderId, now - QUOTA_HORIZON_MS));
      this.#paces.set(senderId, pace);
    }
    return pace;
  }

  /** Checks, sends and settles a claimed batch without holding up the scheduling pass. */
  #launch(
    run: RunningCampaign,
    session: SenderSession,
    pace: SenderPace,
    claimed: ClaimedMessage[],
    checks: Promise<Checked>,
  ): void {
    const flights = new Map<string, Flight>();
    const finished = new Map<string, () => void>();
    for (const message of claimed) {
      let resolve: () => void = () => {};
      const flight: Flight = {
        messageId: message.id,
        stage: 'waiting',
        cancelWait: null,
        done: new Promise<void>((r) => {
          resolve = r;
        }),
      };
      flights.set(message.id, flight);
      finished.set(message.id, resolve);
      run.flights.add(flight);
    }
    const settle = async (message: ClaimedMessage, delivery: Delivery) => {
      try {
        await Promise.all(delivery.settlements.map((s) => this.#settles.add(s)));
        if (delivery.optedOut) {
          await this.#deps.optOuts.record({
            workspaceId: session.sender.workspaceId,
            senderId: session.sender.id,
            phone: message.phone,
            note: 'the network refused a send: the recipient opted out',
          });
        }
        if (delivery.signal !== null) this.#senderSignal(session, pace, delivery.signal);
        const outcome = senderOutcome(delivery);
        if (outcome !== null) this.#deps.fleet.record(session.sender.id, outcome);
      } catch (error) {
        // Left `sending`: the next start-up's recovery decides (re-send or reconcile).
        this.#deps.log.error({ err: error, messageId: message.id }, 'could not record a send outcome');
      } finally {
        const flight = flights.get(message.id);
        if (flight) run.flights.delete(flight);
        pace.inFlight--;
        finished.get(message.id)?.();
        this.wake();
      }
    };
    void (async () => {
      let ready: ClaimedMessage[] = claimed;
      try {
        const checked = await checks;
        ready = claimed.filter((m) => !checked.decided.has(m));
        for (const message of claimed) {
          const decided = checked.decided.get(message);
          if (decided !== undefined) void settle(message, decided);
        }
      } catch (error) {
        this.#deps.log.warn(
          { err: error, campaignId: run.id },
          'pre-send checks failed; sending without them',
        );
      }
      for (const message of ready) {
        const flight = flights.get(message.id) as Flight;
        const delivery = await deliver(this.#delivery, run, session, message, flight);
        void settle(message, delivery);
      }
    })();
  }

  #wait(ms: number, onCancel: (cancel: () => void) => void): Promise<boolean> {
    return new Promise((resolve) => {
      const stop = this.#deps.clock.timer(this.#deps.clock.now() + ms, () => resolve(true));
      onCancel(() => {
        stop();
        resolve(false);
      });
    });
  }

  #senderSignal(session: SenderSession, pace: SenderPace, signal: SenderSignal): void {
    const now = this.#deps.clock.now();
    if (signal.kind === 'rate_limited') {
      pace.nextFreeAt = Math.max(pace.nextFreeAt, now + (signal.retryAfterMs ?? 60_000));
      return;
    }
    // Stop using the sender at once; its driver's own event confirms the state.
    session.sender = { ...session.sender, connection: signal.kind, connectionReason: signal.detail };
  }

  async #writeSettlements(items: Settlement[]): Promise<void> {
    const { store, clock } = this.#deps;
    const now = clock.now();
    // Run again on a conflict: nothing is published before the commit, and every outcome
    // is guarded by the state and attempt it expects.
    const applied = await store.transaction((tx) => tx.queue.settle(items, now), { retryConflicts: true });
    publishSettlements(this.#deps.bus, (id) => this.#workspaceOf.get(id), applied, now);
    const campaigns = new Set(
      applied.filter((s) => s.kind !== 'progress' && s.kind !== 'uncertain').map((s) => s.campaignId),
    );
    if (campaigns.size > 0) this.#deps.onSettled(campaigns);
  }
}

/** What a delivery says about its sender's health (null: nothing, e.g. a pause). */
function senderOutcome(delivery: Delivery): SenderOutcome | null {
  if (delivery.signal !== null) return delivery.signal.kind;
  const last = delivery.settlements.at(-1);
  switch (last?.kind) {
    case 'sent':
      return 'sent';
    case 'retry':
      return last.reason === 'rate_limited'
        ? 'rate_limited'
        : last.reason === 'recipient_rate_limited'
          ? 'recipient'
          : 'retryable';
    case 'uncertain':
      return 'retryable';
    case 'failed':
      return last.reason === 'invalid_recipient' || last.reason === 'recipient_rate_limited'
        ? 'recipient'
        : last.reason === 'permanent'
          ? 'permanent'
          : 'retryable';
    default:
      return null;
  }
}
