import type { SenderStrategy } from '../domain/campaign.ts';

/** A sender that may take messages in this scheduling pass, and how many. */
export interface Candidate {
  senderId: string;
  /** Sends it may still start now (in-flight limit and quotas). */
  room: number;
  /** Its recent sends, for `least_loaded`. */
  load: number;
}

/** What the choice depends on for one queued message. */
export interface RowForSelection {
  /** The only sender that may send it (an earlier attempt's outcome is unknown). */
  resendVia: string | null;
  /** The sender that reached this contact last, for `sticky`. */
  preferred: string | null;
}

/** Picks a sender for a message, or null to leave it queued for now. */
export type Assign = (row: RowForSelection) => string | null;

/** Round-robin position per campaign, kept between passes so turns stay fair. */
export type Cursor = { next: number };

/**
 * Builds the chooser for one scheduling pass over a campaign's ready senders. Each choice
 * costs O(1) (round robin, sticky) or O(log n) (least loaded, a heap), so a thousand
 * senders do not make every message pay for a scan of all of them.
 *
 * A message pinned to a sender goes to that sender or waits. Under `sticky`, a contact
 * waits for its previous sender while that sender is usable but busy, and falls back to
 * the turn order only when it cannot send at all or is not one of the campaign's senders.
 */
export function makeAssigner(
  strategy: SenderStrategy,
  candidates: Candidate[],
  cursor: Cursor,
  stillUsable: (senderId: string) => boolean,
  campaignSenders: ReadonlySet<string>,
): Assign {
  const byId = new Map(candidates.map((c) => [c.senderId, c]));
  let left = candidates.reduce((n, c) => n + c.room, 0);
  const take = (c: Candidate): string => {
    c.room--;
    c.load++;
    left--;
    return c.senderId;
  };
  const picker = strategy === 'least_loaded' ? leastLoaded(candidates) : roundRobin(candidates, cursor);
  return (row) => {
    if (left <= 0) return null;
    if (row.resendVia !== null) {
      const pinned = byId.get(row.resendVia);
      return pinned !== undefined && pinned.room > 0 ? take(pinned) : null;
    }
    if (strategy === 'sticky' && row.preferred !== null && campaignSenders.has(row.preferred)) {
      const preferred = byId.get(row.preferred);
      if (preferred !== undefined && preferred.room > 0) return take(preferred);
      if (stillUsable(row.preferred)) return null;
    }
    const c = picker.pick();
    if (c === null) return null;
    const id = take(c);
    picker.taken();
    return id;
  };
}

interface Picker {
  pick(): Candidate | null;
  /** The picked candidate's load and room changed. */
  taken(): void;
}

function roundRobin(candidates: Candidate[], cursor: Cursor): Picker {
  return {
    pick() {
      for (let tried = 0; tried < candidates.length; tried++) {
        const c = candidates[cursor.next % candidates.length] as Candidate;
        cursor.next = (cursor.next + 1) % candidates.length;
        if (c.room > 0) return c;
      }
      return null;
    },
    taken() {},
  };
}

/** A binary min-heap on load; a chosen sender's load grows and it sinks back in. */
function leastLoaded(candidates: Candidate[]): Picker {
  const heap = candidates.filter((c) => c.room > 0);
  const less = (a: number, b: number) => (heap[a] as Candidate).load < (heap[b] as Candidate).load;
  const swap = (a: number, b: number) => {
    const t = heap[a] as Candidate;
    heap[a] = heap[b] as Candidate;
    heap[b] = t;
  };
  const down = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) down(i);
  return {
    pick() {
      while (heap.length > 0 && (heap[0] as Candidate).room <= 0) {
        heap[0] = heap[heap.length - 1] as Candidate;
        heap.pop();
        down(0);
      }
      return heap[0] ?? null;
    },
    // The top's load grew: let it sink to its place.
    taken() {
      down(0);
    },
  };
}
