import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseTemplate } from '../../../src/domain/template/parse-template.ts';
import type { RenderContact } from '../../../src/domain/template/render-template.ts';
import { renderVariant } from '../../../src/domain/template/render-variant.ts';
import type { TemplateNode } from '../../../src/domain/template/template-node.ts';

const contact: RenderContact = { name: 'Anna Lee', phone: '+4915112345678', status: null, fields: {} };

function variants(...texts: string[]): TemplateNode[][] {
  return texts.map((text) => {
    const parsed = parseTemplate(text);
    assert.ok(parsed.ok);
    return parsed.nodes;
  });
}

const greeting = variants(
  '{Hi|Hello|Hey} {{firstName}}, {new|fresh} {deals|offers}!',
  '{Good day|Greetings}, {{name}}.',
);

test('renders the same variant and text again for the same seed', () => {
  fc.assert(
    fc.property(fc.string(), (seed) => {
      assert.deepEqual(renderVariant(greeting, contact, seed), renderVariant(greeting, contact, seed));
    }),
  );
});

test('uses every variant and every option across seeds', () => {
  const texts = new Set<string>();
  const variantIndexes = new Set<number>();
  for (let s = 0; s < 500; s += 1) {
    const { variantIndex, text } = renderVariant(greeting, contact, `msg_${s}`);
    variantIndexes.add(variantIndex);
    texts.add(text);
  }
  assert.deepEqual([...variantIndexes].sort(), [0, 1]);
  // 3 × 2 × 2 texts from the first variant, 2 from the second.
  assert.equal(texts.size, 14);
  assert.ok(texts.has('Hey Anna, fresh offers!'));
  assert.ok(texts.has('Greetings, Anna Lee.'));
});

test('renders the variant it reports', () => {
  const labelled = variants('zero', 'one', 'two');
  for (let s = 0; s < 50; s += 1) {
    const { variantIndex, text } = renderVariant(labelled, contact, `seed ${s}`);
    assert.equal(text, ['zero', 'one', 'two'][variantIndex]);
  }
});

test('refuses an empty variant list as a caller bug', () => {
  assert.throws(() => renderVariant([], contact, 'seed'), RangeError);
});
