/**
 * Words that mean "stop messaging me" and nothing else, as whole replies. A reply opts its
 * writer out only when, normalised (`normaliseReply`), it equals one of them: "Stop 🙏" and
 * "¡BAJA!" do, "I want to stop by tomorrow" does not. A word with an ordinary meaning
 * stays out even when some network uses it as a keyword, because a match suppresses the
 * phone for good: "Cancel" about an order must not. Entries are written as they normalise
 * (lower case, no accents); a per-workspace list can start from this one.
 */
export const defaultOptOutWords: readonly string[] = [
  // English. Not "cancel", "end", "quit", "no", "remove": each is an everyday answer
  // ("cancel" the order, "end" of the month) as well as a carrier keyword.
  'stop',
  'stop all',
  'stopall',
  'unsubscribe',
  'unsub',
  'opt out',
  'optout',
  // German; also Norwegian and Swedish (stopp).
  'stopp',
  'abmelden',
  'abbestellen',
  // Dutch. Not "opzeggen": also cancelling a contract or a subscription one pays for.
  'afmelden',
  'uitschrijven',
  // French: ARRÊT is the French operators' keyword beside STOP. Not "annuler" (cancel) or
  // "fin" (end).
  'arret',
  'desabonner',
  'desabonnement',
  'desinscrire',
  // Spanish: BAJA is the usual keyword ("darse de baja"); alone it also means "low", but as
  // a whole reply to a message only the opt-out. Not "cancelar" (an order), "salir" (to go
  // out), "alto" (tall, high) or "basta" (also "that's enough" when asked how many).
  'baja',
  'darme de baja',
  'desuscribir',
  'desuscribirme',
  // Spanish and Portuguese: "to stop", and its imperative.
  'parar',
  'pare',
  // Portuguese: SAIR ("leave") is the Brazilian operators' keyword, and a whole reply
  // "Sair" to a business means nothing else. Not "cancelar".
  'sair',
  'descadastrar',
  'descadastre',
  // Italian. Not "basta" (see Spanish) or "cancella" (delete, cancel).
  'disiscrivimi',
  'cancellami',
  // Indonesian and Malay: UNREG is the operators' keyword. Not "batal" (cancel).
  'berhenti',
  'berhenti langganan',
  'stop langganan',
  'unreg',
  // Turkish. Not "iptal" (cancel), nor "ret", the commercial-message register's keyword:
  // it is also an ordinary "refusal", and Danish for "right".
  'durdur',
  // Hindi in Latin script: "stop it", "don't send".
  'band karo',
  'bandh karo',
  'mat bhejo',
  // Polish: "unsubscribe (me)".
  'wypisz',
  'wypisz mnie',
  // Russian.
  'стоп',
  'отписаться',
  'отписка',
];

/** Longer replies are never one of the words, however much decoration surrounds them. */
const MAX_REPLY_LENGTH = 200;

/**
 * A reply as the list is written: compatibility forms folded (full-width letters), accents
 * and other combining marks removed, lower case, runs of spaces, dashes and underscores
 * made one space, and whatever is not a letter or a digit at either end (punctuation,
 * spaces, emoji) cut off.
 */
export function normaliseReply(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\s\p{Pd}_]+/gu, ' ')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** A list of opt-out words made ready for `isOptOut` (each normalised like a reply). */
export function optOutWords(words: readonly string[]): ReadonlySet<string> {
  return new Set(words.map(normaliseReply).filter((w) => w !== ''));
}

const defaultWords = optOutWords(defaultOptOutWords);

/** Whether a reply, as a whole, asks to hear no more. */
export function isOptOut(text: string, words: ReadonlySet<string> = defaultWords): boolean {
  if (text.length > MAX_REPLY_LENGTH) return false;
  const normalised = normaliseReply(text);
  return normalised !== '' && words.has(normalised);
}
