import type { SendResult } from '../driver.ts';
import type { NetworkSend } from './network-send.ts';
import type { PairingMethod } from './sender-account.ts';
import type { SequencedEvent } from './sender-event-log.ts';

/** A live event stream from the network; `close` stops it (no `onEnd` follows). */
export interface LinkStream {
  close(): void;
}

/**
 * How a `SimulatorDriver` reaches a `SimulatorNetwork`: directly in the same process
 * (`InProcessLink`) or over HTTP to `kurir simulator` (`HttpLink`). One link serves any
 * number of senders; every call names the sender. Mirrors the network's driver-facing calls.
 */
export interface SimulatorLink {
  /** Starts or resumes the sender's session; the outcome arrives as events. */
  connect(sender: string, method: PairingMethod): Promise<void>;
  /** Never rejects for an expected failure: a lost request is a `retryable` SendError. */
  send(sender: string, part: NetworkSend): Promise<SendResult>;
  /** Numbers it could not check (sender offline, network unreachable) are absent. */
  checkNumbers(sender: string, phones: readonly string[]): Promise<Map<string, boolean>>;
  setTyping(sender: string, to: string, state: 'composing' | 'paused'): Promise<void>;
  /** Unlinks the session; a `logged_out` event follows. */
  logout(sender: string): Promise<void>;
  /** The driver lets go of the session without unlinking it. */
  detach(sender: string): Promise<void>;
  /**
   * Streams the sender's events, starting with every one not yet acknowledged (so entries
   * already seen may come again). `onEnd` runs when the stream ends by itself (network reset,
   * connection lost); the follower decides whether to follow again.
   */
  follow(
    sender: string,
    onEntry: (entry: SequencedEvent) => void,
    onEnd: (error?: unknown) => void,
  ): LinkStream;
  /**
   * Acknowledges every event of the sender's log `log` up to `seq`: they will not be
   * delivered again. An acknowledgement for a log that was replaced is ignored.
   */
  ack(sender: string, seq: number, log: string): Promise<void>;
}
