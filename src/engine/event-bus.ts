/** Every event Kurir publishes, by type; `data` is the JSON the SSE stream sends. */
export type KurirEventType =
  | 'campaign.started'
  | 'campaign.scheduled'
  | 'campaign.unscheduled'
  | 'campaign.paused'
  | 'campaign.resumed'
  | 'campaign.completed'
  | 'campaign.stopped'
  | 'campaign.failed'
  | 'campaign.progress'
  | 'message.sent'
  | 'message.delivered'
  | 'message.read'
  | 'message.failed'
  | 'message.skipped'
  | 'message.retrying'
  | 'sender.status'
  | 'sender.qr'
  | 'sender.pairing_code'
  | 'inbound.message'
  | 'contact.opted_out';

export interface KurirEvent {
  /** Increasing within this process; SSE clients resume with it (`Last-Event-ID`). */
  id: number;
  type: KurirEventType;
  at: number;
  workspaceId: string;
  campaignId?: string;
  senderId?: string;
  messageId?: string;
  data: Record<string, unknown>;
}

export type EventInput = Omit<KurirEvent, 'id'>;
export type EventListener = (event: KurirEvent) => void;

/**
 * The in-process bus: the SSE endpoint, the CLI's watch and (later) webhooks subscribe.
 * It keeps the last `retain` events so a client that reconnects with `Last-Event-ID`
 * misses nothing that is still in the window.
 */
export class EventBus {
  readonly #retain: number;
  readonly #listeners = new Set<EventListener>();
  #history: KurirEvent[] = [];
  #nextId: number;

  /**
   * Ids start from the start-up instant (in thousandths of a millisecond), so they keep
   * increasing across restarts: a client resuming with an id from before a restart is told
   * it missed events instead of silently getting unrelated ones.
   */
  constructor(options: { retain?: number; startedAt?: number } = {}) {
    this.#retain = options.retain ?? 10_000;
    this.#nextId = (options.startedAt ?? 0) * 1000 + 1;
  }

  publish(input: EventInput): KurirEvent {
    const event: KurirEvent = { id: this.#nextId++, ...input };
    this.#history.push(event);
    if (this.#history.length > this.#retain * 1.5) this.#history = this.#history.slice(-this.#retain);
    for (const listener of this.#listeners) {
      // One failing subscriber (a closed SSE socket) must not stop the others or the
      // publisher, which is usually the dispatcher in the middle of a send.
      try {
        listener(event);
      } catch {
        this.#listeners.delete(listener);
      }
    }
    return event;
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Retained events after `id`; `complete` is false when some were already dropped. */
  since(id: number): { events: KurirEvent[]; complete: boolean } {
    const first = this.#history[0];
    const events = this.#history.filter((e) => e.id > id);
    const complete = first === undefined ? id >= this.#nextId - 1 : first.id <= id + 1;
    return { events, complete };
  }

  get lastId(): number {
    return this.#nextId - 1;
  }
}
