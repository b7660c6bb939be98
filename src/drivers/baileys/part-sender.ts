import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import type { MessagePart, SendError, SendResult } from '../driver.ts';
import { classifySendError } from './classify-send-error.ts';
import { NumberDirectory, type NumberLookup } from './number-directory.ts';
import { partContent } from './part-content.ts';
import { jidOf } from './phone-jid.ts';
import type { RecentSends } from './recent-sends.ts';
import type { SocketLike } from './socket-like.ts';

export interface PartSenderDeps {
  clock: Clock;
  numbers: NumberDirectory;
  recent: RecentSends;
  /** The whole send (number lookup, media upload, write) must answer within this. */
  timeoutMs: number;
  log: Logger;
}

/** Numbers per `onWhatsApp` query; WhatsApp's own clients ask in batches of this order. */
const CHECK_BATCH = 50;

/**
 * Sends one part over an open socket and checks numbers. A part goes to the account
 * WhatsApp named for the number (looked up once, then remembered; see `NumberDirectory`),
 * under Kurir's part id as the WhatsApp id, so a re-send after a crash or a timeout is
 * dropped by the recipient's WhatsApp instead of shown twice.
 */
export class PartSender {
  readonly #deps: PartSenderDeps;

  constructor(deps: PartSenderDeps) {
    this.#deps = deps;
  }

  async send(socket: SocketLike, part: MessagePart): Promise<SendResult> {
    const content = partContent(part);
    // Whether the message may have left: only once `sendMessage` was called.
    let handedOver = false;
    const work = (async (): Promise<SendResult> => {
      const target = await this.#lookup(socket, part.to);
      if ('kind' in target) return { ok: false, error: target };
      if (target.jid === null) {
        return fail('not_on_whatsapp', 'not_on_whatsapp', 'the number has no WhatsApp account');
      }
      handedOver = true;
      const sent = await socket.sendMessage(target.jid, content, { messageId: part.id });
      this.#deps.recent.remember(part.id, sent?.message);
      return { ok: true, providerId: sent?.key.id ?? part.id };
    })();
    const outcome = await this.#within(work);
    if (outcome === 'timeout') {
      return {
        ok: false,
        error: {
          kind: 'retryable',
          code: 'timeout',
          detail: `WhatsApp did not answer within ${this.#deps.timeoutMs} ms`,
          ...(handedOver ? { uncertain: true } : {}),
        },
      };
    }
    if (outcome.ok) return outcome.value;
    const error = classifySendError(outcome.error);
    if (!handedOver) delete error.uncertain;
    this.#deps.log.warn({ messageId: part.id, kind: error.kind, code: error.code }, 'a send failed');
    return { ok: false, error };
  }

  /** Which numbers have WhatsApp; the numbers of a batch whose query failed are absent. */
  async checkNumbers(socket: SocketLike, phones: readonly string[]): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    const unique = [...new Set(phones)];
    for (let i = 0; i < unique.length; i += CHECK_BATCH) {
      const batch = unique.slice(i, i + CHECK_BATCH);
      try {
        for (const [phone, lookup] of await this.#query(socket, batch)) out.set(phone, lookup.jid !== null);
      } catch (error) {
        // The port's answer for a failed check: those numbers are unknown (absent).
        this.#deps.log.warn({ err: error, numbers: batch.length }, 'checking numbers on WhatsApp failed');
      }
    }
    return out;
  }

  async #lookup(socket: SocketLike, phone: string): Promise<NumberLookup | SendError> {
    const known = this.#deps.numbers.lookup(phone, this.#deps.clock.now());
    if (known !== undefined) return known;
    try {
      return (await this.#query(socket, [phone])).get(phone) ?? { jid: null };
    } catch (error) {
      const classified = classifySendError(error);
      delete classified.uncertain;
      return { ...classified, detail: `the number could not be checked: ${classified.detail}` };
    }
  }

  async #query(socket: SocketLike, phones: readonly string[]): Promise<Map<string, NumberLookup>> {
    const found = await socket.onWhatsApp(...phones.map(jidOf));
    if (found === undefined) throw new Error('WhatsApp gave no answer to the number check');
    const matched = NumberDirectory.match(phones, found);
    const now = this.#deps.clock.now();
    for (const [phone, lookup] of matched) this.#deps.numbers.record(phone, lookup, now);
    return matched;
  }

  async #within<T>(
    work: Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | 'timeout'> {
    const { clock, timeoutMs } = this.#deps;
    let cancel = () => {};
    const deadline = new Promise<'timeout'>((resolve) => {
      cancel = clock.timer(clock.now() + timeoutMs, () => resolve('timeout'));
    });
    try {
      return await Promise.race([
        work.then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
        deadline,
      ]);
    } finally {
      cancel();
    }
  }
}

function fail(kind: SendError['kind'], code: string, detail: string): SendResult {
  return { ok: false, error: { kind, code, detail } };
}
