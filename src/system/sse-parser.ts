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
