import type { Clock } from '../domain/clock.ts';
import { type SseEvent, SseParser } from '../system/sse-parser.ts';

export interface FollowEventsOptions {
  /** Opens the stream, resuming after `lastEventId` (sent as `Last-Event-ID`) when not null. */
  open: (lastEventId: string | null, signal: AbortSignal) => Promise<AsyncIterable<Uint8Array>>;
  clock: Clock;
  /** Aborting ends the stream and resolves the returned promise. */
  signal: AbortSignal;
  /** Each time a connection is up, the first time and after every reconnect. */
  onOpen?: () => void;
  /** Each event, in order. Must not throw. */
  onEvent: (event: SseEvent) => void;
  /** The stream ended or could not be opened; a reconnect follows after the retry delay. */
  onDrop?: (error: unknown) => void;
  /** Errors worth another try (default: all). Others reject at once. */
  retryable?: (error: unknown) => boolean;
  /** Until the server sends `retry:`. */
  retryMs?: number;
  /** Gives up (rejects) after failing this long without a connection. */
  giveUpAfterMs?: number;
}

/**
 * Follows an event stream until `signal` aborts, reconnecting with the last event id as
 * EventSource does, so the server can replay what the client missed.
 */
export async function followEvents(options: FollowEventsOptions): Promise<void> {
  const { clock, signal } = options;
  const retryable = options.retryable ?? (() => true);
  const giveUpAfterMs = options.giveUpAfterMs ?? 5 * 60_000;
  let retryMs = options.retryMs ?? 2000;
  let lastEventId: string | null = null;
  let failingSince: number | null = null;
  while (!signal.aborted) {
    try {
      const body = await options.open(lastEventId, signal);
      failingSince = null;
      options.onOpen?.();
      const parser = new SseParser(lastEventId ?? '');
      const decoder = new TextDecoder();
      for await (const chunk of body) {
        const events = parser.push(decoder.decode(chunk, { stream: true }));
        if (parser.retryMs !== null) retryMs = parser.retryMs;
        lastEventId = parser.lastEventId === '' ? null : parser.lastEventId;
        for (const event of events) options.onEvent(event);
      }
      throw new Error('the server closed the event stream');
    } catch (error) {
      if (signal.aborted) return;
      if (!retryable(error)) throw error;
      failingSince ??= clock.now();
      if (clock.now() - failingSince >= giveUpAfterMs) throw error;
      options.onDrop?.(error);
      await waitForReconnect(clock, retryMs, signal);
    }
  }
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
function waitForReconnect(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = clock.timer(clock.now() + ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
