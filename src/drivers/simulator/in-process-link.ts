import type { SendResult } from '../driver.ts';
import type { NetworkSend } from './network-send.ts';
import type { PairingMethod } from './sender-account.ts';
import type { SequencedEvent } from './sender-event-log.ts';
import type { LinkStream, SimulatorLink } from './simulator-link.ts';
import type { SimulatorNetwork } from './simulator-network.ts';

/** The link for a network in the same process (Kurir's embedded default): direct calls. */
export class InProcessLink implements SimulatorLink {
  readonly #network: SimulatorNetwork;

  constructor(deps: { network: SimulatorNetwork }) {
    this.#network = deps.network;
  }

  async connect(sender: string, method: PairingMethod): Promise<void> {
    this.#network.connect(sender, method);
  }

  send(sender: string, part: NetworkSend): Promise<SendResult> {
    return this.#network.send(sender, part);
  }

  async checkNumbers(sender: string, phones: readonly string[]): Promise<Map<string, boolean>> {
    return this.#network.checkNumbers(sender, phones);
  }

  async setTyping(sender: string, to: string, state: 'composing' | 'paused'): Promise<void> {
    this.#network.setTyping(sender, to, state);
  }

  async logout(sender: string): Promise<void> {
    this.#network.unlink(sender);
  }

  async detach(sender: string): Promise<void> {
    this.#network.detach(sender);
  }

  follow(
    sender: string,
    onEntry: (entry: SequencedEvent) => void,
    onEnd: (error?: unknown) => void,
  ): LinkStream {
    const subscription = this.#network.subscribe(sender, onEntry, () => onEnd());
    return { close: () => subscription.end() };
  }

  async ack(sender: string, seq: number, log: string): Promise<void> {
    this.#network.ack(sender, seq, log);
  }
}
