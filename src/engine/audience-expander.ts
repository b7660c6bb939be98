import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Campaign } from '../domain/campaign.ts';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../store/store.ts';

/**
 * Rows per expansion transaction. Big enough that a million recipients take a few dozen
 * commits, small enough that no single one holds SQLite's write lock for long.
 */
const CHUNK = 20_000;

export interface AudienceExpanderDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Told after each chunk: new rows are there to send. */
  onRows: (campaignId: string) => void;
  /** Told when every recipient has a row. */
  onExpanded: (campaignId: string) => void;
  /** Told when expansion failed and the campaign was marked failed. */
  onFailed: (campaignId: string, reason: string) => void;
}

/**
 * Turns a started campaign's audience into message rows, chunk by chunk in contact-id
 * order. The cursor and the counters commit with each chunk, so after a crash expansion
 * resumes after the last committed chunk and no recipient gets a second row (the message
 * ids, made of campaign and position, would collide anyway). Sending starts with the first
 * chunk; the campaign cannot complete before the last.
 */
export class AudienceExpander {
  readonly #deps: AudienceExpanderDeps;
  readonly #running = new Map<string, Promise<void>>();

  constructor(deps: AudienceExpanderDeps) {
    this.#deps = deps;
  }

  /** Starts (or joins) the expansion of a campaign. */
  expand(campaign: Campaign): Promise<void> {
    let running = this.#running.get(campaign.id);
    if (running === undefined) {
      running = this.#run(campaign).finally(() => this.#running.delete(campaign.id));
      this.#running.set(campaign.id, running);
    }
    return running;
  }

  /** Expansions a crash interrupted: campaigns started but not fully expanded. */
  async resumeUnfinished(): Promise<void> {
    for (const campaign of await this.#deps.store.campaigns.withStatus(['running', 'paused'])) {
      if (campaign.expandedAt === null) void this.expand(campaign);
    }
  }

  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }

  async #run(campaign: Campaign): Promise<void> {
    const { store, clock, log } = this.#deps;
    try {
      for (;;) {
        const done = await store.transaction(async (tx) => {
          const { cursor, expandedAt, status, total } = await tx.campaigns.expandCursor(campaign.id);
          if (expandedAt !== null) return true;
          const now = clock.now();
          // A stopped (or failed) campaign needs no more rows: expansion ends where it is.
          if (status !== 'running' && status !== 'paused') {
            await tx.campaigns.setExpansion(campaign.id, cursor, now);
            return true;
          }
          const { inserted, lastContactId } = await tx.audience.expandChunk(
            campaign,
            cursor,
            total + 1,
            CHUNK,
            now,
          );
          if (inserted > 0) {
            const chunkCounts = await tx.campaigns.countsFromSeq(campaign.id, total + 1);
            await tx.campaigns.addCounts(campaign.id, chunkCounts);
          }
          const finished = inserted < CHUNK;
          await tx.campaigns.setExpansion(campaign.id, lastContactId ?? cursor, finished ? now : null);
          return finished;
        });
        this.#deps.onRows(campaign.id);
        if (done) break;
        await yieldToEventLoop();
      }
      this.#deps.onExpanded(campaign.id);
    } catch (error) {
      log.error({ err: error, campaignId: campaign.id }, 'audience expansion failed');
      const reason = 'expanding the audience failed; see the server log';
      if (
        await store.campaigns.transition(
          campaign.id,
          ['running', 'paused'],
          { status: 'failed', error: reason, finishedAt: clock.now() },
          clock.now(),
        )
      ) {
        this.#deps.onFailed(campaign.id, reason);
      }
      this.#deps.onExpanded(campaign.id);
    }
  }
}
