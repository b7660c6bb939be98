import { jidDecode } from 'baileys';

/** The WhatsApp user jid of an E.164 number: its digits at `s.whatsapp.net`. */
export function jidOf(e164: string): string {
  return `${digitsOf(e164)}@s.whatsapp.net`;
}

/** The digits of an E.164 number, without the '+' (how Baileys wants a number for pairing). */
export function digitsOf(e164: string): string {
  return e164.replace(/^\+/, '');
}

/**
 * The E.164 number of a phone-number jid (`4915…@s.whatsapp.net`, also with a device suffix
 * `4915…:7@s.whatsapp.net`); null for anything else: a LID (`…@lid`) is an opaque account
 * id, not a number, and groups, broadcasts and newsletters are no person.
 */
export function phoneOf(jid: string | null | undefined): string | null {
  if (jid === null || jid === undefined) return null;
  const decoded = jidDecode(jid);
  if (decoded === undefined || (decoded.server !== 's.whatsapp.net' && decoded.server !== 'c.us'))
    return null;
  return /^[1-9]\d{6,14}$/.test(decoded.user) ? `+${decoded.user}` : null;
}

/** A chat with one person (by number or by LID), not a group, broadcast, status or newsletter. */
export function isPersonJid(jid: string | null | undefined): boolean {
  if (jid === null || jid === undefined) return false;
  const server = jidDecode(jid)?.server;
  return server === 's.whatsapp.net' || server === 'c.us' || server === 'lid';
}

/** A LID jid (`…@lid`): an account id that hides the number. */
export function isLidJid(jid: string | null | undefined): jid is string {
  return typeof jid === 'string' && jidDecode(jid)?.server === 'lid';
}
