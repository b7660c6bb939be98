/**
 * Variables every contact has, whatever its custom fields. A template names a custom field
 * that shares one of these names as `fields.<name>`.
 */
export const builtinVariables = ['name', 'firstName', 'lastName', 'phone', 'status'] as const;

export type BuiltinVariable = (typeof builtinVariables)[number];

const builtins: ReadonlySet<string> = new Set(builtinVariables);

export function isBuiltinVariable(name: string): name is BuiltinVariable {
  return builtins.has(name);
}

/** Literal text, escapes already resolved: it renders exactly as stored. */
export interface TextNode {
  readonly type: 'text';
  readonly text: string;
}

/**
 * `{{ name }}` or `{{ name | default }}`. `source` says where the value comes from: a
 * built-in of the contact, or its custom field `name` (the `fields.` prefix already removed).
 * `defaultText` is `null` when the template gave no `|`, so `{{city|}}` (render nothing
 * when missing, on purpose) stays distinguishable from `{{city}}` (no default at all).
 */
export type VariableNode =
  | {
      readonly type: 'variable';
      readonly source: 'builtin';
      readonly name: BuiltinVariable;
      readonly defaultText: string | null;
    }
  | {
      readonly type: 'variable';
      readonly source: 'field';
      readonly name: string;
      readonly defaultText: string | null;
    };

/** `{a|b|c}`: one option is rendered, chosen per message. Always at least two options. */
export interface SpinNode {
  readonly type: 'spin';
  readonly options: readonly (readonly TemplateNode[])[];
}

/** A parsed variant or caption: what the parser hands the renderer, no positions kept. */
export type TemplateNode = TextNode | VariableNode | SpinNode;

/**
 * Pushes `nodes` so that popping yields them in order. Walks over the tree use an explicit
 * stack, not recursion, because spintax nesting depth is up to the template's author; and a
 * loop, not `push(...nodes)`, which overflows on very long arrays.
 */
export function pushReversed(stack: TemplateNode[], nodes: readonly TemplateNode[]): void {
  for (let i = nodes.length - 1; i >= 0; i -= 1) stack.push(nodes[i]!);
}
