import { pointerEscape } from './errors.ts';

/**
 * Why `text` cannot be stored as text, or null when it can. The rule is PostgreSQL's, kept
 * for both backends so that the same input gets the same answer everywhere: a `text` or
 * `jsonb` value cannot hold NUL (U+0000), and a UTF-16 string with an unpaired surrogate
 * (a JSON `"\ud800"` escape parses into one) has no UTF-8 form to send it in. SQLite stores
 * both without complaint, and a row that cannot move to PostgreSQL later is a trap.
 */
export function unstorableTextReason(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!text.isWellFormed()) {
    const unpaired = [...text].find((c) => c.length === 1 && !c.isWellFormed()) ?? '';
    const code = unpaired.charCodeAt(0).toString(16).toUpperCase();
    return `must not contain an unpaired surrogate (U+${code}); the text is not valid Unicode`;
  }
  return null;
}

/** A string inside a value that {@link unstorableTextReason} refuses, and where it is. */
export interface UnstorableText {
  /** JSON Pointer segments from the value's root to the string (or to the member whose key is bad). */
  path: string[];
  detail: string;
}

/** A place in the walk: the value, and how it was reached (built into a path only on a find). */
interface Step {
  value: unknown;
  parent: Step | null;
  segment: string;
}

/**
 * Every string of a parsed JSON value (or of a query string's object) that cannot be
 * stored, keys included, at most `limit` of them. The walk keeps a stack of its own rather
 * than recursing: a 1 MB body can nest arrays half a million deep, far past the call stack.
 * Objects other than plain records and arrays (a stream, a Buffer) are not looked into.
 */
export function findUnstorableText(value: unknown, limit = 50): UnstorableText[] {
  const found: UnstorableText[] = [];
  const stack: Step[] = [{ value, parent: null, segment: '' }];
  while (stack.length > 0 && found.length < limit) {
    const step = stack.pop() as Step;
    const v = step.value;
    if (typeof v === 'string') {
      const detail = unstorableTextReason(v);
      if (detail !== null) found.push({ path: pathOf(step), detail });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: step, segment: String(i) });
    } else if (isPlainRecord(v)) {
      const children: Step[] = [];
      for (const key of Object.keys(v)) {
        const keyReason = unstorableTextReason(key);
        if (keyReason !== null) found.push({ path: [...pathOf(step), key], detail: `the key ${keyReason}` });
        else children.push({ value: v[key], parent: step, segment: key });
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Step);
    }
  }
  return found.slice(0, limit);
}

function pathOf(step: Step): string[] {
  const path: string[] = [];
  for (let s: Step | null = step; s !== null && s.parent !== null; s = s.parent) path.push(s.segment);
  return path.reverse();
}

/** The JSON Pointer of a path from {@link findUnstorableText}: `/` for the root. */
export function pointerOf(path: readonly string[]): string {
  return path.length === 0 ? '/' : path.map((s) => `/${pointerEscape(s)}`).join('');
}

/**
 * A record as JSON.parse or a query-string parser builds it: its prototype is
 * `Object.prototype`, null, or an object whose own prototype is null.
 */
function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}
