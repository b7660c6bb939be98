import type { CancelTimer, Clock } from '../domain/clock.ts';
import { type ApiClient, ApiProblem, queryString } from './api-client.ts';
import type { CampaignJson } from './campaign-summary.ts';
import { fitWidth, isFinished, progressLine } from './progress-bar.ts';
import { followEvents } from './sse-reader.ts';

/** At most four GETs a second however fast events arrive: counts come from the API, not from events. */
const REFRESH_GAP_MS = 250;

export interface WatchDeps {
  client: ApiClient;
  clock: Clock;
  /** Where the progress goes; on a TTY one line is redrawn, otherwise each change is a line. */
  out: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Notes about the connection. */
  err: { write(text: string): unknown };
}

/** Runs `run` when asked, at most once per `gapMs`; asks during a run make one more run after it. */
function throttle(clock: Clock, gapMs: number, run: () => Promise<void>) {
  let lastAt = Number.NEGATIVE_INFINITY;
  let running = false;
  let again = false;
  let pending: CancelTimer | null = null;
  const fire = () => {
    pending = null;
    running = true;
    lastAt = clock.now();
    void run().finally(() => {
      running = false;
      if (again) {
        again = false;
        request();
      }
    });
  };
  const request = () => {
    if (running) again = true;
    else if (pending === null) {
      if (clock.now() >= lastAt + gapMs) fire();
      else pending = clock.timer(lastAt + gapMs, fire);
    }
  };
  const cancel = () => {
    pending?.();
    pending = null;
    again = false;
  };
  return { request, cancel };
}

/** The progress line: redrawn in place with `\r` on a terminal, a new line per change elsewhere. */
class ProgressOutput {
  readonly #deps: WatchDeps;
  #last = '';
  #open = false;

  constructor(deps: WatchDeps) {
    this.#deps = deps;
  }

  show(c: CampaignJson): void {
    const line = progressLine(c);
    const { out } = this.#deps;
    if (out.isTTY) {
      out.write(`\r${fitWidth(line, out.columns)}\x1b[K`);
      this.#open = true;
    } else if (line !== this.#last) {
      out.write(`${line}\n`);
    }
    this.#last = line;
  }

  note(text: string): void {
    this.end();
    this.#deps.err.write(`${text}\n`);
  }

  end(): void {
    if (this.#open) this.#deps.out.write('\n');
    this.#open = false;
  }
}

/**
 * `kurir campaign watch`: follows the campaign's events (resuming with `Last-Event-ID` when
 * the stream drops) and, on each, re-reads the campaign for its counts, until it is
 * completed, stopped or failed. Resolves with the final campaign.
 */
export async function watchCampaign(deps: WatchDeps, id: string): Promise<CampaignJson> {
  const { client, clock } = deps;
  const path = `/v1/campaigns/${encodeURIComponent(id)}`;
  const output = new ProgressOutput(deps);
  const first = await client.call<CampaignJson>('GET', path);
  output.show(first);
  if (isFinished(first.status)) {
    output.end();
    return first;
  }
  if (first.status === 'draft') output.note(`(a draft: it starts with \`kurir campaign start ${id}\`)`);

  const controller = new AbortController();
  const done = Promise.withResolvers<CampaignJson>();
  const refresh = throttle(clock, REFRESH_GAP_MS, async () => {
    try {
      const c = await client.call<CampaignJson>('GET', path);
      if (controller.signal.aborted) return;
      output.show(c);
      if (isFinished(c.status)) done.resolve(c);
    } catch (error) {
      // Unreachable: the event stream drops too and its reconnect refreshes again.
      if (error instanceof ApiProblem) done.reject(error);
    }
  });
  let dropped = false;
  const following = followEvents({
    open: (lastEventId, signal) =>
      client.events(
        `/v1/events${queryString({ campaignId: id, type: ['campaign.', 'message.'] })}`,
        lastEventId,
        signal,
      ),
    clock,
    signal: controller.signal,
    // Also on the first open: anything that happened before the stream was up is in the counts.
    onOpen: () => {
      if (dropped) output.note('event stream back');
      dropped = false;
      refresh.request();
    },
    onEvent: () => refresh.request(),
    onDrop: (error) => {
      if (!dropped)
        output.note(`event stream lost (${error instanceof Error ? error.message : error}); reconnecting`);
      dropped = true;
    },
    retryable: (error) => !(error instanceof ApiProblem && error.problem.status < 500),
  });
  following.catch(done.reject);
  try {
    return await done.promise;
  } finally {
    controller.abort();
    refresh.cancel();
    await following.catch(() => {});
    output.end();
  }
}
