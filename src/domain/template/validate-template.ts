import type { FieldError } from '../errors.ts';
import { KurirError } from '../errors.ts';
import { parseTemplate } from './parse-template.ts';
import { isBuiltinVariable } from './template-node.ts';
import type { TemplateVariable } from './template-variables.ts';
import { templateVariables } from './template-variables.ts';

/** A template's texts: its variants, and per attachment its caption if it has one. */
export interface TemplateTexts {
  variants: readonly string[];
  captions: readonly (string | undefined)[];
}

export interface TemplateCheck {
  /** Every variable used, as written in messages (`city`, `fields.name`), in order of first use. */
  variables: string[];
  /** Unknown variables that have a default everywhere they are used: sendable, maybe a typo. */
  warnings: string[];
}

/** One text of the template and where it sits in the request body. */
interface Source {
  pointer: string;
  text: string;
}

/**
 * Checks a template before it is saved: every text parses, and every custom field it reads
 * either exists on some contact (`knownFields`) or has a default. Throws `template.invalid`
 * with one error per parse problem, else `template.unknown_variable` with one error per text
 * using an unknown variable without a default; a variable with a default only warns, since the
 * message still reads well to a contact without the field.
 */
export function validateTemplate(input: TemplateTexts, knownFields: ReadonlySet<string>): TemplateCheck {
  const sources: Source[] = input.variants.map((text, i) => ({ pointer: `/variants/${i}`, text }));
  input.captions.forEach((text, i) => {
    if (text !== undefined) sources.push({ pointer: `/attachments/${i}/caption`, text });
  });

  const invalid: FieldError[] = [];
  if (input.variants.length === 0)
    invalid.push({ pointer: '/variants', detail: 'a template needs at least one variant' });
  const used: { pointer: string; variables: TemplateVariable[] }[] = [];
  for (const { pointer, text } of sources) {
    const parsed = parseTemplate(text);
    if (parsed.ok) {
      used.push({ pointer, variables: templateVariables(parsed.nodes) });
    } else {
      for (const { line, column, message } of parsed.problems) {
        invalid.push({ pointer, detail: `line ${line}, column ${column}: ${message}` });
      }
    }
  }
  if (invalid.length > 0) {
    const count = invalid.length === 1 ? '1 problem' : `${invalid.length} problems`;
    throw new KurirError('template.invalid', `The template has ${count}`, { errors: invalid });
  }

  const variables = new Set<string>();
  const withoutDefault = new Set<string>();
  const withDefault = new Set<string>();
  const unknown: FieldError[] = [];
  for (const { pointer, variables: found } of used) {
    for (const variable of found) {
      const written = writtenName(variable);
      variables.add(written);
      if (!variable.field || knownFields.has(variable.name)) continue;
      if (variable.hasDefault) {
        withDefault.add(written);
      } else {
        withoutDefault.add(written);
        unknown.push({
          pointer,
          detail: `variable '${written}' is not a field of any contact and has no default (write {{${written}|default}})`,
        });
      }
    }
  }
  if (unknown.length > 0) {
    throw new KurirError(
      'template.unknown_variable',
      `Unknown variables: ${[...withoutDefault].join(', ')}`,
      {
        errors: unknown,
      },
    );
  }

  const warnings = [...withDefault].map(
    (name) => `variable '${name}' is not a field of any contact; its default will be used`,
  );
  return { variables: [...variables], warnings };
}

/**
 * How an author would write the variable: bare, unless a bare name would mean something else
 * (a built-in, or a field whose own name starts with `fields.`).
 */
function writtenName(variable: TemplateVariable): string {
  const needsPrefix =
    variable.field && (isBuiltinVariable(variable.name) || variable.name.startsWith('fields.'));
  return needsPrefix ? `fields.${variable.name}` : variable.name;
}
