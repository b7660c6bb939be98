import { evictOldest } from './memory-cache.ts';
import { digitsOf, phoneOf } from './phone-jid.ts';

export interface NumberDirectoryOptions {
  /** A lookup is trusted this long. */
  ttlMs: number;
  maxEntries: number;
}

/** What WhatsApp said about one number: its account's jid, or none. */
export type NumberLookup = { jid: string } | { jid: null };

/**
 * What `onWhatsApp` said about each number, for a while. Sending needs it twice over:
 * Baileys "sends" to a number without WhatsApp without complaint (nothing arrives), so a
 * part goes out only to a number known to have an account; and WhatsApp may name an
 * account by another form of the number than the one asked (Brazilian mobiles registered
 * before the ninth digit, old Mexican `521` numbers), so a part goes to the jid WhatsApp
 * answered, and a reply from that jid is told as the number Kurir asked about.
 */
export class NumberDirectory {
  readonly #options: NumberDirectoryOptions;
  /** E.164 asked → lookup and when it was made; insertion-ordered, oldest first. */
  readonly #byPhone = new Map<string, { lookup: NumberLookup; at: number }>();
  /** Digits of an account's jid → the E.164 number asked, where the two differ. */
  readonly #askedAs = new Map<string, string>();

  constructor(options: NumberDirectoryOptions) {
    this.#options = options;
  }

  /** The lookup for `phone`, unless there is none or it is too old. */
  lookup(phone: string, now: number): NumberLookup | undefined {
    const entry = this.#byPhone.get(phone);
    if (entry === undefined) return undefined;
    if (entry.at + this.#options.ttlMs <= now) {
      this.#byPhone.delete(phone);
      return undefined;
    }
    return entry.lookup;
  }

  record(phone: string, lookup: NumberLookup, now: number): void {
    this.#byPhone.delete(phone);
    this.#byPhone.set(phone, { lookup, at: now });
    if (lookup.jid !== null) {
      const account = phoneOf(lookup.jid);
      if (account !== null && account !== phone) this.#askedAs.set(digitsOf(account), phone);
    }
    evictOldest(this.#byPhone, this.#options.maxEntries);
    evictOldest(this.#askedAs, this.#options.maxEntries);
  }

  /** The number Kurir knows the account at `phone` by (the one it asked about), if another. */
  knownAs(phone: string): string {
    return this.#askedAs.get(digitsOf(phone)) ?? phone;
  }

  /**
   * Pairs WhatsApp's answer with the numbers asked. The answer names accounts by jid, and
   * only those that exist; a jid whose number was not asked as such is matched to the
   * variant that was (see the class comment).
   */
  static match(asked: readonly string[], found: readonly { jid: string }[]): Map<string, NumberLookup> {
    const out = new Map<string, NumberLookup>(asked.map((phone) => [phone, { jid: null }]));
    const unmatched: string[] = [];
    for (const { jid } of found) {
      const phone = phoneOf(jid);
      if (phone !== null && out.has(phone)) out.set(phone, { jid });
      else unmatched.push(jid);
    }
    for (const jid of unmatched) {
      const phone = phoneOf(jid);
      if (phone === null) continue;
      const variant = asked.find((a) => out.get(a)?.jid === null && sameAccountNumber(a, phone));
      if (variant !== undefined) out.set(variant, { jid });
    }
    return out;
  }
}

/**
 * Two forms of one number WhatsApp treats as the same account: Brazil's mobile ninth digit
 * (+55 AA 9XXXX-XXXX asked, +55 AA XXXX-XXXX registered) and Mexico's old mobile `1`
 * (+52 XXXXXXXXXX asked, +52 1 XXXXXXXXXX registered).
 */
export function sameAccountNumber(asked: string, account: string): boolean {
  const a = digitsOf(asked);
  const b = digitsOf(account);
  if (a.startsWith('55') && b.startsWith('55') && a.length === 13 && b.length === 12) {
    return a[4] === '9' && a.slice(0, 4) + a.slice(5) === b;
  }
  if (a.startsWith('52') && b.startsWith('521') && a.length === 12 && b.length === 13) {
    return `521${a.slice(2)}` === b;
  }
  return false;
}
