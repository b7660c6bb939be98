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
}

function nodesOf(text: string): TemplateNode[] {
  const parsed = parseTemplate(text);
  // A stored template was validated on save; should one still fail to parse, its raw text
  // is sent rather than nothing.
  return parsed.ok ? parsed.nodes : [{ type: 'text', text }];
}

/**
 * Everything one recipient gets from a template: the variant and its text, and each
 * attachment's caption rendered. Captions draw from their own seeds so adding an
 * attachment never changes the chosen text.
 */
export function renderMessage(
  template: Pick<Template, 'variants' | 'attachments'>,
  contact: RenderContact,
  seed: string,
): RenderedMessage {
  const { variantIndex, text } = renderVariant(template.variants.map(nodesOf), contact, seed);
  const attachments = template.attachments.map((attachment, i) => {
    if (attachment.caption === undefined) return { ...attachment };
    const caption = renderTemplate(
      nodesOf(attachment.caption),
      contact,
      seededPicker(`${seed}:caption:${i}`),
    );
    return { ...attachment, caption };
  });
  return { variantIndex, text, attachments };
}
