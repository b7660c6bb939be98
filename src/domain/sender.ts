import type { Quotas } from './pacing/quota.ts';

/** Connection states a driver reports; `paused` is separate (Kurir's own decision). */
export const senderConnections = ['pairing', 'connected', 'disconnected', 'logged_out', 'banned'] as const;
export type SenderConnection = (typeof senderConnections)[number];

export type SenderDriverKind = 'simulator' | 'baileys' | 'cloud-api';

/** One WhatsApp number Kurir sends from, bound to one driver. */
export interface Sender {
  id: string;
  workspaceId: string;
  name: string;
  driver: SenderDriverKind;
  /** Driver settings that are not secret (secrets are stored encrypted, never returned). */
  config: Record<string, unknown>;
  /** The number, once the driver knows it. */
  phone: string | null;
  connection: SenderConnection;
  /** Why the connection is what it is (the driver's reason), for people. */
  connectionReason: string | null;
  quotas: Quotas;
  /** Why Kurir is not using this sender, or null when it may send. */
  pausedReason: string | null;
  /** 0–100 from recent outcomes: successes raise it, failures and rate limits lower it. */
  health: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * A sender as it is first stored: no number yet, full health, not paused. A Cloud API
 * sender has nothing to pair (its token is its session), so it starts disconnected until
 * its first check; the others start pairing.
 */
export function newSender(fields: {
  id: string;
  workspaceId: string;
  name: string;
  driver: SenderDriverKind;
  config: Record<string, unknown>;
  quotas?: Quotas;
  now: number;
}): Sender {
  return {
    id: fields.id,
    workspaceId: fields.workspaceId,
    name: fields.name,
    driver: fields.driver,
    config: fields.config,
    phone: null,
    connection: fields.driver === 'cloud-api' ? 'disconnected' : 'pairing',
    connectionReason: null,
    quotas: fields.quotas ?? {},
    pausedReason: null,
    health: 100,
    createdAt: fields.now,
    updatedAt: fields.now,
  };
}

/** The status shown to users: paused wins over the connection state. */
export function senderStatus(
  sender: Pick<Sender, 'connection' | 'pausedReason'>,
): SenderConnection | 'paused' {
  return sender.pausedReason !== null ? 'paused' : sender.connection;
}

export function canSend(sender: Pick<Sender, 'connection' | 'pausedReason'>): boolean {
  return sender.connection === 'connected' && sender.pausedReason === null;
}
