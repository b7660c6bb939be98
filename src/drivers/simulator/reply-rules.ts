import type { Random } from '../../domain/random.ts';
import { checkFraction, drawMs, type MsRange } from './network-settings.ts';
import { SimulatorError } from './simulator-error.ts';

/**
 * How recipients answer. A rule with neither `match` nor `pattern` answers every message.
 * Rules are tried in order; the first that matches and wins its `probability` roll answers,
 * so a recipient sends at most one scripted reply per message.
 */
export interface ReplyRule {
  /** Only messages whose text (or caption) is exactly this, ignoring case and outer space. */
  match?: string;
  /** Only messages whose text matches this regular expression source (case-insensitive). */
  pattern?: string;
  /** Only messages to these recipients. */
  recipients?: string[];
  /** Only messages from these senders (their numbers). */
  senders?: string[];
  /** The reply's text, e.g. `STOP`. */
  reply: string;
  /** Delay after delivery; a number or a [min, max] range. Default 0. */
  afterMs?: number | MsRange;
  /** Chance, 0…1, that a matching message gets the reply. Default 1. */
  probability?: number;
}

interface Compiled {
  rule: ReplyRule;
  test: (text: string) => boolean;
  range: MsRange;
}

export class ReplyRules {
  #rules: Compiled[] = [];

  /** Adds a rule after the existing ones; refuses a bad pattern or range. */
  add(rule: ReplyRule): void {
    this.#rules.push(compile(rule));
  }

  clear(): void {
    this.#rules = [];
  }

  list(): ReplyRule[] {
    return this.#rules.map((c) => c.rule);
  }

  /** Removes the rules `which` picks; the others keep their order. */
  removeWhere(which: (rule: ReplyRule) => boolean): void {
    this.#rules = this.#rules.filter((c) => !which(c.rule));
  }

  /** The reply the recipient `to` sends to `text` from `sender`, and when, or null. */
  answer(sender: string, to: string, text: string, random: Random): { text: string; afterMs: number } | null {
    for (const { rule, test, range } of this.#rules) {
      if (rule.senders !== undefined && !rule.senders.includes(sender)) continue;
      if (rule.recipients !== undefined && !rule.recipients.includes(to)) continue;
      if (!test(text)) continue;
      if (rule.probability !== undefined && random.next() >= rule.probability) continue;
      return { text: rule.reply, afterMs: drawMs(random, range) };
    }
    return null;
  }
}

function compile(rule: ReplyRule): Compiled {
  if (typeof rule.reply !== 'string' || rule.reply === '')
    throw new SimulatorError('simulator.invalid_request', 'reply must be a non-empty text', 'reply');
  if (rule.probability !== undefined) checkFraction('probability', rule.probability);
  const after = rule.afterMs ?? 0;
  const range: MsRange = typeof after === 'number' ? [after, after] : after;
  if (!(range[0] >= 0 && range[1] >= range[0]))
    throw new SimulatorError(
      'simulator.invalid_request',
      'afterMs must be >= 0 (or [min, max] with min <= max)',
      'afterMs',
    );
  let regex: RegExp | null = null;
  if (rule.pattern !== undefined) {
    try {
      regex = new RegExp(rule.pattern, 'i');
    } catch (error) {
      throw new SimulatorError(
        'simulator.invalid_request',
        `pattern is not a regular expression: ${error}`,
        'pattern',
      );
    }
  }
  const exact = rule.match?.trim().toLowerCase();
  const test = (text: string) =>
    (exact === undefined || text.trim().toLowerCase() === exact) && (regex === null || regex.test(text));
  return { rule: { ...rule }, test, range };
}
