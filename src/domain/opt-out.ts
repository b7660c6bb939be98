import { normaliseLabel } from './contact.ts';

/**
 * Words that mean "stop messaging me", in the languages of Kurir's users so far. A reply
 * that is one of them (ignoring case, spaces and punctuation) opts the sender out. A
 * longer message that merely contains "stop" is not an opt-out.
 */
export const defaultOptOutKeywords = [
  'stop',
  'stop all',
  'unsubscribe',
  'cancel',
  'end',
  'quit',
  'opt out',
  'optout',
  'stopp', // German, Norwegian
  'abmelden', // German
  'abbestellen', // German
  'berhenti', // Indonesian, Malay
  'stop langganan', // Indonesian
  'parar', // Portuguese, Spanish
  'pare', // Portuguese
  'cancelar', // Spanish, Portuguese
  'baja', // Spanish
  'arret', // French (arrêt)
  'arrêt',
  'desinscrire',
  'désinscrire',
  'basta', // Italian
  'disiscriviti', // Italian
  'durdur', // Turkish
];

export function isOptOut(text: string): boolean {
  const normalised = normaliseLabel(text).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  return normalised.length > 0 && defaultOptOutKeywords.includes(normalised);
}
