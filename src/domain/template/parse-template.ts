import type { TemplateNode, VariableNode } from './template-node.ts';
import { isBuiltinVariable } from './template-node.ts';

/**
 * Something that keeps a template from parsing. `offset` is 0-based in UTF-16 code units (a
 * JavaScript string index, as editors such as Monaco count); `line` and `column` are 1-based,
 * lines split at `\n`.
 */
export interface TemplateProblem {
  offset: number;
  line: number;
  column: number;
  message: string;
}

export type ParseResult = { ok: true; nodes: TemplateNode[] } | { ok: false; problems: TemplateProblem[] };

/** A problem before its line and column are worked out. */
interface Problem {
  offset: number;
  message: string;
}

/** A spintax group whose `}` has not been seen yet. */
interface OpenGroup {
  offset: number;
  options: TemplateNode[][];
}

/** The characters a backslash turns literal; before anything else a backslash is itself. */
const escapable = new Set(['{', '}', '|', '\\']);
const variableName = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const fieldPrefix = 'fields.';

/**
 * Parses one variant or caption. Grammar, in order of precedence:
 * - `\{` `\}` `\|` `\\` are the literal character;
 * - `{{ name }}` / `{{ name | default }}` is a variable; the default runs to the first `}}`;
 * - `{a|b}` is spintax; a group without `|`, like `{foo}`, is kept as literal text, braces
 *   included, so ordinary braces in prose survive;
 * - `|` outside a group, and everything else (WhatsApp `*bold*`, emoji, newlines), is text.
 *
 * In a run of three or more `{` the last two open the variable, so `{{{name}}|there}` is
 * spintax whose first option is `{{name}}`. Nested spintax that starts with a group needs a
 * space: `{ {a|b}|c}`, since `{{` always opens a variable.
 *
 * All problems are collected rather than stopping at the first, so an editor can mark them
 * together; an unclosed `{{` ends the scan, as nothing after it can close it differently.
 */
export function parseTemplate(text: string): ParseResult {
  const problems: Problem[] = [];
  const report = (offset: number, message: string) => problems.push({ offset, message });
  const root: TemplateNode[] = [];
  const groups: OpenGroup[] = [];
  // Per call: a global regex carries lastIndex, which must not leak between parses.
  const special = /[\\{}|]/g;
  let target = root;
  let i = 0;

  while (i < text.length) {
    special.lastIndex = i;
    const found = special.exec(text);
    const next = found === null ? text.length : found.index;
    if (next > i) {
      appendText(target, text.slice(i, next));
      i = next;
      continue;
    }

    const char = text[i];
    if (char === '\\') {
      const escaped = text[i + 1];
      if (escaped !== undefined && escapable.has(escaped)) {
        appendText(target, escaped);
        i += 2;
      } else {
        appendText(target, '\\');
        i += 1;
      }
    } else if (char === '{' && text[i + 1] === '{' && text[i + 2] !== '{') {
      const close = text.indexOf('}}', i + 2);
      if (close === -1) {
        report(
          i,
          "unclosed '{{' opened here; a variable ends with '}}' (for spintax starting with a group write '{ {')",
        );
        break;
      }
      const node = parseVariable(text, i, close, report);
      if (node !== null) target.push(node);
      i = close + 2;
    } else if (char === '{') {
      const group: OpenGroup = { offset: i, options: [[]] };
      groups.push(group);
      target = group.options[0]!;
      i += 1;
    } else if (char === '|' && groups.length > 0) {
      const option: TemplateNode[] = [];
      groups.at(-1)!.options.push(option);
      target = option;
      i += 1;
    } else if (char === '}') {
      const group = groups.pop();
      if (group === undefined) {
        report(i, "'}' has no matching '{'");
      } else {
        target = groups.at(-1)?.options.at(-1) ?? root;
        closeGroup(target, group);
      }
      i += 1;
    } else {
      appendText(target, char!);
      i += 1;
    }
  }

  for (const group of groups) report(group.offset, "unclosed '{' opened here");
  if (problems.length > 0) return { ok: false, problems: locate(text, problems) };
  return { ok: true, nodes: root };
}

/** `open` is the offset of `{{`, `close` that of the `}}` ending it. */
function parseVariable(
  text: string,
  open: number,
  close: number,
  report: (offset: number, message: string) => void,
): VariableNode | null {
  const inner = text.slice(open + 2, close);
  const bar = inner.indexOf('|');
  const written = bar === -1 ? inner : inner.slice(0, bar);
  const name = written.trim();
  if (name === '') {
    report(open, "variable has no name: write '{{name}}' or '{{name|default}}'");
    return null;
  }
  const field = name.startsWith(fieldPrefix) ? name.slice(fieldPrefix.length) : null;
  if (!variableName.test(name) || field === '') {
    const nameAt = open + 2 + written.indexOf(name);
    report(
      nameAt,
      `'${name}' is not a valid variable name (letters, digits, '_' and '.', not starting with a digit)`,
    );
    return null;
  }
  const defaultText = bar === -1 ? null : inner.slice(bar + 1).trim();
  if (field === null && isBuiltinVariable(name))
    return { type: 'variable', source: 'builtin', name, defaultText };
  return { type: 'variable', source: 'field', name: field ?? name, defaultText };
}

/** A group with one option is not spintax: it is put back as the literal text it was. */
function closeGroup(target: TemplateNode[], group: OpenGroup): void {
  const [only, ...others] = group.options;
  if (only !== undefined && others.length === 0) {
    appendText(target, '{');
    for (const node of only) {
      if (node.type === 'text') appendText(target, node.text);
      else target.push(node);
    }
    appendText(target, '}');
  } else {
    target.push({ type: 'spin', options: group.options });
  }
}

/** Keeps adjacent text in one node, so equal templates parse to equal trees. */
function appendText(target: TemplateNode[], text: string): void {
  const last = target.at(-1);
  if (last?.type === 'text') target[target.length - 1] = { type: 'text', text: last.text + text };
  else target.push({ type: 'text', text });
}

/**
 * Adds line and column in one forward pass over the text, in offset order: per-problem
 * counting would be quadratic for a pasted text full of stray braces.
 */
function locate(text: string, problems: Problem[]): TemplateProblem[] {
  problems.sort((a, b) => a.offset - b.offset);
  let line = 1;
  let lineStart = 0;
  let nextBreak = text.indexOf('\n');
  return problems.map(({ offset, message }) => {
    while (nextBreak !== -1 && nextBreak < offset) {
      line += 1;
      lineStart = nextBreak + 1;
      nextBreak = text.indexOf('\n', lineStart);
    }
    return { offset, line, column: offset - lineStart + 1, message };
  });
}
