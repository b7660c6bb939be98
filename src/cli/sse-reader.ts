import type { Clock } from '../domain/clock.ts';

/** One dispatched server-sent event. `id` is the last event id at that point, as EventSource has it. */
export interface SseEvent {
  id: string;
  type: string;
  data: string;
}

/**
 * The event-stream format of the HTML standard ("Parsing an event stream"), fed text as it
 * arrives: lines end in CRLF, LF or CR; `:` starts a comment; `data` lines join with LF; an
 * event is dispatched at a blank line only if it had data; an unfinished event at the end of
 * a stream is dropped; `id` persists across events and `retry` takes digits only.
 */
export class SseParser {
  #pending = '';
  /** The previous chunk ended in CR: a LF starting this one belongs to that line ending. */
  #skipLf = false;
  #started = false;
  #data: string[] = [];
  #type = '';
  #idBuffer: string;
  /** The id to resume after (`Last-Event-ID`): set when an event ends, even one without data. */
  lastEventId: string;
  /** The reconnection delay the server asked for, if it did. */
  retryMs: number | null = null;

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
    this.#idBuffer = lastEventId;
  }

  /** Takes the next piece of decoded text; returns the events it completes. */
  push(text: string): SseEvent[] {
    if (text === '') return [];
    if (this.#skipLf && text.startsWith('\n')) text = text.slice(1);
    this.#skipLf = false;
    if (!this.#started) {
      this.#started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    this.#pending += text;
    const events: SseEvent[] = [];
    const ending = /\r\n|\r|\n/g;
    let from = 0;
    for (let m = ending.exec(this.#pending); m !== null; m = ending.exec(this.#pending)) {
      this.#line(this.#pending.slice(from, m.index), events);
      from = m.index + m[0].length;
      if (m[0] === '\r' && from === this.#pending.length) this.#skipLf = true;
    }
    this.#pending = this.#pending.slice(from);
    return events;
  }

  #line(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.lastEventId = this.#idBuffer;
      if (this.#data.length > 0)
        events.push({ id: this.lastEventId, type: this.#type || 'message', data: this.#data.join('\n') });
      this.#data = [];
      this.#type = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#type = value;
    else if (field === 'id' && !value.includes('\0')) this.#idBuffer = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}

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
