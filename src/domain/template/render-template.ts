import type { BuiltinVariable, TemplateNode, VariableNode } from './template-node.ts';
import { pushReversed } from './template-node.ts';

/** The slice of a contact a template can read. */
export interface RenderContact {
  name: string | null;
  /** E.164. */
  phone: string;
  status: string | null;
  fields: Record<string, unknown>;
}

/**
 * Chooses a spintax option: given the number of options, returns an index in `[0, n)`.
 * Called once per spintax group reached, left to right, so a seeded picker replays a text.
 */
export type Pick = (optionCount: number) => number;

/**
 * Renders parsed nodes for one contact. Never throws on contact data: custom fields come
 * from CSV imports and API callers, so any JSON value (or worse) may sit in them, and one odd
 * contact must not fail a campaign's render. Values it cannot print render as missing.
 */
export function renderTemplate(nodes: readonly TemplateNode[], contact: RenderContact, pick: Pick): string {
  const parts: string[] = [];
  const pending: TemplateNode[] = [];
  pushReversed(pending, nodes);
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node.type === 'text') {
      parts.push(node.text);
    } else if (node.type === 'variable') {
      const value = variableText(node, contact);
      parts.push(value === '' ? (node.defaultText ?? '') : value);
    } else {
      // A picker outside its contract falls back to the first option rather than dropping text.
      const option = node.options[pick(node.options.length)] ?? node.options[0] ?? [];
      pushReversed(pending, option);
    }
  }
  return parts.join('');
}

/** The variable's value as text, or '' when missing, blank or unprintable. */
function variableText(node: VariableNode, contact: RenderContact): string {
  try {
    const text = node.source === 'builtin' ? builtinText(node.name, contact) : fieldText(node.name, contact);
    // Whitespace-only counts as missing: a blank CSV cell should get the default, not spaces.
    return text.trim() === '' ? '' : text;
  } catch {
    // Cycles or BigInts inside objects, getters that throw, hostile Proxies: contact data is
    // typed but unchecked, and rendering it as missing is the promise above, so the error is
    // deliberately dropped.
    return '';
  }
}

function builtinText(name: BuiltinVariable, contact: RenderContact): string {
  switch (name) {
    case 'name':
      return printable(contact.name);
    case 'firstName':
      return splitName(printable(contact.name))[0];
    case 'lastName':
      return splitName(printable(contact.name))[1];
    case 'phone':
      return printable(contact.phone);
    case 'status':
      return printable(contact.status);
  }
}

/** First word, and the rest with its inner spacing kept ("Anna Maria  de Souza"). */
function splitName(name: string): [first: string, rest: string] {
  const trimmed = name.trim();
  const gap = /\s+/.exec(trimmed);
  if (gap === null) return [trimmed, ''];
  return [trimmed.slice(0, gap.index), trimmed.slice(gap.index + gap[0].length)];
}

function fieldText(key: string, contact: RenderContact): string {
  const fields: unknown = contact.fields;
  if (typeof fields !== 'object' || fields === null) return '';
  // Own keys only: `{{constructor}}` or `{{__proto__}}` must not reach Object.prototype.
  return Object.hasOwn(fields, key) ? printable((fields as Record<string, unknown>)[key]) : '';
}

function printable(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      // undefined when the value has no JSON form (a toJSON returning a function, say);
      // throws on cycles, which the caller turns into ''.
      return value === null ? '' : (JSON.stringify(value) ?? '');
    default:
      return '';
  }
}
