import type { TemplateNode } from './template-node.ts';
import { pushReversed } from './template-node.ts';

/**
 * A variable a template uses. `field` tells a custom field from a built-in, since
 * `{{name}}` and `{{fields.name}}` share `name`. `hasDefault` is true only when every use
 * gives one: a single use without a default is enough to render empty for some contact.
 */
export interface TemplateVariable {
  name: string;
  field: boolean;
  hasDefault: boolean;
}

/** The variables used anywhere in `nodes`, spintax options included, in order of first use. */
export function templateVariables(nodes: readonly TemplateNode[]): TemplateVariable[] {
  const seen = new Map<string, TemplateVariable>();
  const pending: TemplateNode[] = [];
  pushReversed(pending, nodes);
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node.type === 'spin') {
      for (let o = node.options.length - 1; o >= 0; o -= 1) pushReversed(pending, node.options[o]!);
    } else if (node.type === 'variable') {
      const field = node.source === 'field';
      const key = `${field ? 'field' : 'builtin'}:${node.name}`;
      const hasDefault = node.defaultText !== null;
      const known = seen.get(key);
      if (known === undefined) seen.set(key, { name: node.name, field, hasDefault });
      else known.hasDefault &&= hasDefault;
    }
  }
  return [...seen.values()];
}
