import type { proto } from 'baileys';
import { evictOldest } from './memory-cache.ts';

/**
 * The content of the last parts sent, by WhatsApp id, for Baileys' `getMessage`: when a
 * recipient's phone cannot decrypt a message (a new device, a reset session) it asks for
 * it again, and Baileys re-encrypts what `getMessage` returns — otherwise the recipient
 * sees "waiting for this message". Baileys keeps its own copies for 5 minutes only; phones
 * that were offline ask later. Bounded by count, oldest first out.
 */
export class RecentSends {
  readonly #max: number;
  readonly #byId = new Map<string, proto.IMessage>();

  constructor(max: number) {
    this.#max = max;
  }

  remember(id: string, message: proto.IMessage | null | undefined): void {
    if (message === null || message === undefined) return;
    this.#byId.delete(id);
    this.#byId.set(id, message);
    evictOldest(this.#byId, this.#max);
  }

  get(id: string | null | undefined): proto.IMessage | undefined {
    return id === null || id === undefined ? undefined : this.#byId.get(id);
  }
}
