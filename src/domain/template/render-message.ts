import type { Attachment, Template } from '../template.ts';
import { parseTemplate } from './parse-template.ts';
import type { RenderContact } from './render-template.ts';
import { renderTemplate } from './render-template.ts';
import { type RenderedVariant, renderVariant } from './render-variant.ts';
import { seededPicker } from './seeded-picker.ts';
import type { TemplateNode } from './template-node.ts';

export interface RenderedMessage {
  variantIndex: number;
  text: string;
  attachments: Attachment[];
  /** The approved template to send through the Cloud API, with its parameters rendered. */
  whatsappTemplate: { name: string; language: string; parameters: string[] } | null;
}

function nodesOf(text: string): TemplateNode[] {
  const parsed = parseTemplate(text);
  // A stored template was validated on save; should one still fail to parse, its raw text
  // is sent rather than nothing.
  return parsed.ok ? parsed.nodes : [{ type: 'text', text }];
}

export type MessageRenderer = (contact: RenderContact, seed: string) => RenderedMessage;

/** What a message carries besides its text: attachments with captions, template parameters. */
export type RenderedExtras = Pick<RenderedMessage, 'attachments' | 'whatsappTemplate'>;

type TemplateParts = Pick<Template, 'variants' | 'attachments' | 'whatsappTemplate'>;

/**
 * Parses a template's variants once and returns a renderer of the text alone: the variant
 * and its text for a recipient, from one picker seeded by `seed`.
 */
export function prepareText(
  template: Pick<Template, 'variants'>,
): (contact: RenderContact, seed: string) => RenderedVariant {
  const variants = template.variants.map(nodesOf);
  return (contact, seed) => renderVariant(variants, contact, seed);
}

/**
 * Parses a template's captions and approved-template parameters once and returns a
 * renderer of them. Each draws from its own seed (`seed:caption:i`, `seed:param:i`), so
 * they come out the same whether or not the text is rendered alongside.
 */
export function prepareExtras(
  template: Pick<Template, 'attachments' | 'whatsappTemplate'>,
): (contact: RenderContact, seed: string) => RenderedExtras {
  const captions = template.attachments.map((a) => (a.caption === undefined ? null : nodesOf(a.caption)));
  const wa = template.whatsappTemplate ?? null;
  const parameters = wa === null ? [] : wa.bodyParameters.map(nodesOf);
  return (contact, seed) => {
    const attachments = template.attachments.map((attachment, i) => {
      const nodes = captions[i];
      if (nodes === null || nodes === undefined) return { ...attachment };
      return { ...attachment, caption: renderTemplate(nodes, contact, seededPicker(`${seed}:caption:${i}`)) };
    });
    const whatsappTemplate =
      wa === null
        ? null
        : {
            name: wa.name,
            language: wa.language,
            parameters: parameters.map((nodes, i) =>
              renderTemplate(nodes, contact, seededPicker(`${seed}:param:${i}`)),
            ),
          };
    return { attachments, whatsappTemplate };
  };
}

/**
 * Parses a template once and returns a renderer for it: a campaign renders the same
 * template for every recipient. Each render gives the variant and its text and each
 * attachment's caption. Captions draw from their own seeds so adding an attachment never
 * changes the chosen text.
 */
export function prepareMessage(template: TemplateParts): MessageRenderer {
  const text = prepareText(template);
  const extras = prepareExtras(template);
  return (contact, seed) => {
    const { variantIndex, text: rendered } = text(contact, seed);
    const { attachments, whatsappTemplate } = extras(contact, seed);
    return { variantIndex, text: rendered, attachments, whatsappTemplate };
  };
}

/** Renders a template once for one recipient (previews, test sends). */
export function renderMessage(
  template: TemplateParts,
  contact: RenderContact,
  seed: string,
): RenderedMessage {
  return prepareMessage(template)(contact, seed);
}
