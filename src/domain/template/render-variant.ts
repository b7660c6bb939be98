import type { RenderContact } from './render-template.ts';
import { renderTemplate } from './render-template.ts';
import { seededPicker } from './seeded-picker.ts';
import type { TemplateNode } from './template-node.ts';

/** What one message got: which variant, and its text for this contact. */
export interface RenderedVariant {
  variantIndex: number;
  text: string;
}

/**
 * Picks a variant and renders it, all from one seeded picker: the first draw chooses the
 * variant, later draws the spintax options. Seeded with something stable per message (its
 * id), a retry renders exactly the text of the first attempt.
 *
 * Throws a RangeError when `variants` is empty: a caller bug, since validateTemplate rejects
 * a template without variants.
 */
export function renderVariant(
  variants: readonly (readonly TemplateNode[])[],
  contact: RenderContact,
  seed: string,
): RenderedVariant {
  if (variants.length === 0) throw new RangeError('renderVariant needs at least one variant');
  const pick = seededPicker(seed);
  const variantIndex = pick(variants.length);
  return { variantIndex, text: renderTemplate(variants[variantIndex]!, contact, pick) };
}
