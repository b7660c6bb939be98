import { createHash } from 'node:crypto';

/**
 * Numbers for the built-in simulator's demo senders: +1 555 01x xxxx. No real number has
 * them (area code 555 is not in service, and no North American exchange starts with 0), so
 * a demo sender can never be mistaken for, or collide with, a real WhatsApp account.
 */
const PREFIX = '+155501';
export const demoSenderPhoneCount = 100_000;

/**
 * The `attempt`th choice of number for a workspace's demo sender. A workspace id always
 * gives the same sequence (so the number is stable and reproducible), different ids start
 * at different places in the range, and the sequence visits every number once, so the
 * caller can step on until it finds one that no sender has.
 */
export function demoSenderPhone(workspaceId: string, attempt: number): string {
  const start = createHash('sha256').update(workspaceId).digest().readUInt32BE(0) % demoSenderPhoneCount;
  const n = (start + attempt) % demoSenderPhoneCount;
  return `${PREFIX}${String(n).padStart(5, '0')}`;
}
