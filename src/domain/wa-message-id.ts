import { createHash } from 'node:crypto';

/**
 * The WhatsApp id of a message, derived from what it is — workspace, campaign (or other
 * scope), contact, step — so every attempt, before and after a crash, uses the same id and
 * an idempotent network delivers it once. Styled like WhatsApp Web's own ids (`3EB0` and
 * upper-case hex); 72 bits of hash make a collision within a workspace negligible.
 * Part 0 is the message's own id; further parts (attachments) get their own.
 */
export function waMessageId(
  workspaceId: string,
  scope: string,
  contactKey: string,
  step: number,
  part = 0,
): string {
  const input = `${workspaceId}|${scope}|${contactKey}|${step}${part === 0 ? '' : `|${part}`}`;
  return `3EB0${createHash('sha256').update(input).digest('hex').slice(0, 18).toUpperCase()}`;
}
