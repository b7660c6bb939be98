import { KurirError } from '../domain/errors.ts';
import type { ReceivedMessage } from '../drivers/simulator/network-records.ts';
import type { ReplyRule } from '../drivers/simulator/reply-rules.ts';
import type { SenderState } from '../drivers/simulator/sender-account.ts';
import { SimulatorError } from '../drivers/simulator/simulator-error.ts';
import type { SimulatorNetwork } from '../drivers/simulator/simulator-network.ts';
import type { Store } from '../store/store.ts';
import type { SimulatorSenderConfig } from './driver-factory.ts';

/** A simulated person writing to one of the workspace's senders. */
export interface SimulatedInbound {
  from: string;
  /** The number of the sender written to. */
  to: string;
  text: string;
  inReplyTo?: string;
}

/**
 * The built-in simulator as one workspace may steer it: only through the numbers of its
 * own senders on that network (not those on a separate `kurir simulator`, which has its
 * own API). A reply rule is scoped to those numbers: it answers only messages they send,
 * so one workspace's script never answers another's campaign, and a workspace sees and
 * clears only rules that name one of its numbers.
 */
export class SimulatorControls {
  readonly #deps: { store: Store; network: SimulatorNetwork };

  constructor(deps: { store: Store; network: SimulatorNetwork }) {
    this.#deps = deps;
  }

  /** The numbers of the workspace's senders on the built-in simulator. */
  async numbers(workspaceId: string): Promise<string[]> {
    const senders = await this.#deps.store.senders.list(workspaceId);
    return senders.flatMap((s) => {
      const config = s.config as unknown as SimulatorSenderConfig;
      return s.driver === 'simulator' && config.url === undefined ? [config.phone] : [];
    });
  }

  /**
   * Adds a rule for messages from the given senders (`senders`, each one of the
   * workspace's numbers), or from every simulator sender the workspace has now. Answers
   * with the workspace's rules, in the order they are tried.
   */
  async addReplyRule(workspaceId: string, rule: ReplyRule): Promise<ReplyRule[]> {
    const own = await this.numbers(workspaceId);
    if (own.length === 0)
      throw new KurirError('simulator.no_sender', 'Add a simulator sender first: rules answer its messages');
    const foreign = (rule.senders ?? []).flatMap((phone, i) =>
      own.includes(phone)
        ? []
        : [{ pointer: `/senders/${i}`, detail: `${phone} is not a simulator sender of this workspace` }],
    );
    if (foreign.length > 0)
      throw new KurirError('simulator.unknown_sender', 'A rule can only answer your own senders', {
        errors: foreign,
      });
    const senders = rule.senders !== undefined && rule.senders.length > 0 ? rule.senders : own;
    try {
      this.#deps.network.addReplyRule({ ...rule, senders });
    } catch (error) {
      if (!(error instanceof SimulatorError)) throw error;
      throw new KurirError('simulator.invalid_rule', error.message, {
        errors: [{ pointer: `/${error.field ?? ''}`, detail: error.message }],
        cause: error,
      });
    }
    return this.#rulesOf(own);
  }

  async replyRules(workspaceId: string): Promise<ReplyRule[]> {
    return this.#rulesOf(await this.numbers(workspaceId));
  }

  async clearReplyRules(workspaceId: string): Promise<void> {
    const own = await this.numbers(workspaceId);
    this.#deps.network.replies.removeWhere((rule) => ownedBy(rule, own));
  }

  /** `from` writes to the workspace's sender `to`, now; answers the inbound message's id. */
  async inbound(workspaceId: string, message: SimulatedInbound): Promise<string> {
    await this.#own(workspaceId, message.to, '/to');
    try {
      return this.#deps.network.receive(message.from, message.to, message.text, message.inReplyTo ?? null);
    } catch (error) {
      throw this.#translate(error);
    }
  }

  /**
   * What recipients hold from the workspace's senders, by recipient, each list in
   * arrival order; only `to`'s when given.
   */
  async received(workspaceId: string, to?: string): Promise<Record<string, ReceivedMessage[]>> {
    const own = new Set(await this.numbers(workspaceId));
    const { records } = this.#deps.network;
    const all = to === undefined ? records.received() : new Map([[to, records.receivedBy(to)]]);
    const out: Record<string, ReceivedMessage[]> = {};
    for (const [recipient, messages] of all) {
      const mine = messages.filter((m) => own.has(m.from));
      if (mine.length > 0 || recipient === to) out[recipient] = mine;
    }
    return out;
  }

  /** The phone completes the pairing of the workspace's sender `phone` (scans its QR code). */
  async pair(workspaceId: string, phone: string): Promise<SenderState> {
    await this.#own(workspaceId, phone, undefined);
    try {
      return this.#deps.network.pair(phone);
    } catch (error) {
      throw this.#translate(error);
    }
  }

  #rulesOf(own: readonly string[]): ReplyRule[] {
    return this.#deps.network.replies.list().filter((rule) => ownedBy(rule, own));
  }

  /** Refuses a number that is not one of the workspace's: 422 for a body field, else 404. */
  async #own(workspaceId: string, phone: string, pointer: string | undefined): Promise<void> {
    if ((await this.numbers(workspaceId)).includes(phone)) return;
    const detail = `${phone} is not the number of a simulator sender of this workspace`;
    if (pointer === undefined)
      throw new KurirError('sender.not_found', `No simulator sender ${phone} in this workspace`);
    throw new KurirError('simulator.unknown_sender', detail, { errors: [{ pointer, detail }] });
  }

  /** The network's refusals, as the API's errors. */
  #translate(error: unknown): unknown {
    if (!(error instanceof SimulatorError)) return error;
    if (error.code === 'simulator.not_pairing' || error.code === 'simulator.sender_banned')
      return new KurirError('simulator.not_pairing', error.message, { cause: error });
    if (error.code === 'simulator.sender_not_found')
      return new KurirError(
        'sender.unavailable',
        'The sender has no session on the simulator; connect it first',
        {
          cause: error,
        },
      );
    return new KurirError('request.invalid', error.message, { cause: error });
  }
}

/** A rule is a workspace's when it answers one of the workspace's numbers. */
function ownedBy(rule: ReplyRule, own: readonly string[]): boolean {
  return rule.senders?.some((phone) => own.includes(phone)) === true;
}
