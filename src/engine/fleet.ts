import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import { canSend } from '../domain/sender.ts';
import type { Store } from '../store/store.ts';
import type { EventBus } from './event-bus.ts';
import type { SenderSessions } from './sender-sessions.ts';

export interface FleetSettings {
  /** Senders below this health are not chosen (the earlier Express system used 50). */
  healthThreshold: number;
  /** Consecutive failed sends after which a sender is paused (the earlier system: 10). */
  autoPauseAfter: number;
}

export const defaultFleetSettings: FleetSettings = { healthThreshold: 50, autoPauseAfter: 10 };

/** What an attempt said about the sender that made it. */
export type SenderOutcome =
  | 'sent'
  | 'retryable'
  | 'rate_limited'
  | 'permanent'
  | 'banned'
  | 'logged_out'
  | 'recipient';

interface Health {
  score: number;
  consecutive: number;
  at: number;
  storedScore: number;
  historyAt: number;
}

const RECOVERY_PER_MINUTE = 1;
const PENALTY: Record<Exclude<SenderOutcome, 'sent' | 'recipient'>, number> = {
  retryable: 5,
  permanent: 5,
  rate_limited: 10,
  banned: 100,
  logged_out: 0,
};
const HISTORY_EVERY_MS = 5 * 60_000;

interface FleetDeps {
  store: Store;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  sessions: SenderSessions;
  settings: FleetSettings;
}

/**
 * The health of every sender: a score from 0 to 100 that successes raise, failures and
 * rate limits lower, and quiet time restores (a point a minute); and the run of consecutive
 * failures, which pauses a sender when it gets long. A recipient's own problem (not on
 * WhatsApp, blocked) says nothing about the sender and changes nothing.
 */
export class Fleet {
  readonly #deps: FleetDeps;
  readonly #health = new Map<string, Health>();

  constructor(deps: FleetDeps) {
    this.#deps = deps;
  }

  /** The sender's health now, recovered for the time since its last outcome. */
  health(senderId: string, now: number): number {
    const h = this.#entry(senderId, now);
    if (h === null) return 100;
    return Math.min(100, h.score + Math.floor((now - h.at) / 60_000) * RECOVERY_PER_MINUTE);
  }

  /** Connected, not paused, and healthy enough to be chosen. */
  usable(senderId: string, now: number): boolean {
    const session = this.#deps.sessions.get(senderId);
    return (
      session !== undefined &&
      canSend(session.sender) &&
      this.health(senderId, now) >= this.#deps.settings.healthThreshold
    );
  }

  /** Records outcomes of committed attempts; pauses a sender whose failures run too long. */
  record(senderId: string, outcome: SenderOutcome): void {
    if (outcome === 'recipient') return;
    const now = this.#deps.clock.now();
    const h = this.#entry(senderId, now) ?? this.#fresh(senderId, 100, 0, now);
    h.score = this.health(senderId, now);
    h.at = now;
    if (outcome === 'sent') {
      h.score = Math.min(100, h.score + 1);
      h.consecutive = 0;
    } else {
      h.score = Math.max(0, h.score - PENALTY[outcome]);
      if (outcome !== 'logged_out') h.consecutive++;
    }
    void this.#persist(senderId, h, now);
    if (h.consecutive >= this.#deps.settings.autoPauseAfter) {
      h.consecutive = 0;
      void this.pause(
        senderId,
        `paused after ${this.#deps.settings.autoPauseAfter} consecutive failed sends`,
      );
    }
  }

  /** Pauses a sender (its queued share goes to the campaign's other senders). */
  async pause(senderId: string, reason: string): Promise<void> {
    const { store, clock, sessions, log } = this.#deps;
    try {
      await store.senders.setPaused(senderId, reason, clock.now());
      await sessions.refresh(senderId);
      log.warn({ senderId, reason }, 'sender paused');
    } catch (error) {
      log.error({ err: error, senderId }, 'could not pause a sender');
    }
  }

  #entry(senderId: string, now: number): Health | null {
    const known = this.#health.get(senderId);
    if (known) return known;
    const session = this.#deps.sessions.get(senderId);
    if (session === undefined) return null;
    return this.#fresh(senderId, session.sender.health, 0, now);
  }

  #fresh(senderId: string, score: number, consecutive: number, now: number): Health {
    const h = { score, consecutive, at: now, storedScore: score, historyAt: 0 };
    this.#health.set(senderId, h);
    return h;
  }

  /** Stores the score when it moved by 5 or more, and a history point every 5 minutes. */
  async #persist(senderId: string, h: Health, now: number): Promise<void> {
    const { store, log } = this.#deps;
    try {
      if (Math.abs(h.score - h.storedScore) >= 5 || h.consecutive === 1) {
        h.storedScore = h.score;
        await store.senders.setHealth(senderId, h.score, h.consecutive);
      }
      if (now - h.historyAt >= HISTORY_EVERY_MS) {
        h.historyAt = now;
        await store.senders.addHealthPoint(senderId, now, h.score);
      }
    } catch (error) {
      log.warn({ err: error, senderId }, 'could not store sender health');
    }
  }
}
