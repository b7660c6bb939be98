import type { Attachment, Template } from '../template.ts';
import { parseTemplate } from './parse-template.ts';
import type { RenderContact } from './render-template.ts';
import { renderTemplate } from './render-template.ts';
import { renderVariant } from './render-variant.ts';
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

/**
 * Parses a template once and returns a renderer for it: a campaign renders the same
 * template for every recipient. Each render gives the variant and its text and each
 * attachment's caption. Captions draw from their own seeds so adding an attachment never
 * changes the chosen text.
 */
export function prepareMessage(
  template: Pick<Template, 'variants' | 'attachments' | 'whatsappTemplate'>,
): MessageRenderer {
  const variants = template.variants.map(nodesOf);
  const captions = template.attachments.map((a) => (a.caption === undefined ? null : nodesOf(a.caption)));
  const wa = template.whatsappTemplate ?? null;
  const parameters = wa === null ? [] : wa.bodyParameters.map(nodesOf);
  return (contact, seed) => {
    const { variantIndex, text } = renderVariant(variants, contact, seed);
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
    return { variantIndex, text, attachments, whatsappTemplate };
  };
}

/** Renders a template once for one recipient (previews, test sends). */
export function renderMessage(
  template: Pick<Template, 'variants' | 'attachments' | 'whatsappTemplate'>,
  contact: RenderContact,
  seed: string,
): RenderedMessage {
  return prepareMessage(template)(contact, seed);
}
