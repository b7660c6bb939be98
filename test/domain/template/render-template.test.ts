import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseTemplate } from '../../../src/domain/template/parse-template.ts';
import type { Pick, RenderContact } from '../../../src/domain/template/render-template.ts';
import { renderTemplate } from '../../../src/domain/template/render-template.ts';
import { builtinVariables } from '../../../src/domain/template/template-node.ts';

function contact(overrides: Partial<RenderContact> = {}): RenderContact {
  return {
    name: 'Anna Maria  de Souza',
    phone: '+4915112345678',
    status: 'active',
    fields: {},
    ...overrides,
  };
}

const first: Pick = () => 0;

function render(text: string, who: RenderContact = contact(), pick: Pick = first): string {
  const parsed = parseTemplate(text);
  assert.ok(parsed.ok, `expected ${JSON.stringify(text)} to parse`);
  return renderTemplate(parsed.nodes, who, pick);
}

test('renders built-ins, splitting the name at its first space', () => {
  assert.equal(
    render('{{name}}|{{firstName}}|{{lastName}}|{{phone}}|{{status}}'),
    'Anna Maria  de Souza|Anna|Maria  de Souza|+4915112345678|active',
  );
  assert.equal(render('[{{firstName}}][{{lastName|-}}]', contact({ name: '  Cher ' })), '[Cher][-]');
});

test('renders the default when a built-in is null or blank', () => {
  const nameless = contact({ name: null, status: null });
  assert.equal(render('Hi {{firstName|there}} ({{status|new}}) {{name}}.', nameless), 'Hi there (new) .');
  assert.equal(render('Hi {{name|there}}', contact({ name: '   ' })), 'Hi there');
});

test('reads custom fields, bare or as fields.x, and a fields.name apart from the name', () => {
  const who = contact({ fields: { city: 'Porto', name: 'ACME Ltd' } });
  assert.equal(
    render('{{city}}, {{fields.city}}, {{fields.name}}, {{name}}', who),
    'Porto, Porto, ACME Ltd, Anna Maria  de Souza',
  );
});

test('renders the default for a missing, null, empty or blank field', () => {
  const who = contact({ fields: { a: null, b: '', c: '  ', d: undefined } });
  assert.equal(render('{{a|A}} {{b|B}} {{c|C}} {{d|D}} {{e|E}} [{{e}}] [{{e|}}]', who), 'A B C D E [] []');
});

test('prints numbers, booleans and bigints as text and objects as JSON', () => {
  const who = contact({
    fields: { n: 42.5, zero: 0, no: false, big: 10n, list: [1, 'a'], obj: { k: null } },
  });
  assert.equal(
    render('{{n}} {{zero}} {{no}} {{big}} {{list}} {{obj}}', who),
    '42.5 0 false 10 [1,"a"] {"k":null}',
  );
});

test('renders a cyclic or unprintable field as missing instead of throwing', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const throwing = {
    get bad() {
      throw new Error('boom');
    },
  };
  const hostile = new Proxy(
    {},
    {
      ownKeys: () => {
        throw new Error('trap');
      },
    },
  );
  const who = contact({ fields: { cyclic, throwing, hostile, fn: () => 1, nested: { big: 1n } } });
  assert.equal(render('{{cyclic|c}} {{throwing|t}} {{hostile|h}} {{fn|f}} {{nested|n}}', who), 'c t h f n');
});

test('does not read inherited properties as fields', () => {
  assert.equal(render('[{{constructor}}][{{toString|none}}][{{__proto__}}]'), '[][none][]');
});

test('renders nested spintax along the picks, left to right', () => {
  const picks = [1, 0, 2];
  const pick: Pick = () => picks.shift() ?? 0;
  assert.equal(render('{Hi|Hello {there|friend}}, {a|b|c}', contact(), pick), 'Hello there, c');
});

test('keeps WhatsApp formatting, emoji and newlines intact around variables', () => {
  assert.equal(
    render('*Hi {{firstName}}* 🎉\n> _{{city|Lisbon}}_\n- ~old~ ```{{phone}}```'),
    '*Hi Anna* 🎉\n> _Lisbon_\n- ~old~ ```+4915112345678```',
  );
});

test('inserts field values literally, never as template syntax', () => {
  assert.equal(render('{{x}}', contact({ fields: { x: '{{name}} {a|b} \\{' } })), '{{name}} {a|b} \\{');
});

const fieldKey = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,8}$/);

test('never throws, whatever the contact data', () => {
  const value = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
  });
  fc.assert(
    fc.property(
      fc.dictionary(fieldKey, value),
      fc.option(fc.string({ unit: 'binary' })),
      fc.option(fc.string()),
      fc.string(),
      (fields, name, status, phone) => {
        const variables = [
          ...builtinVariables,
          ...Object.keys(fields).map((key) => `fields.${key}`),
          'missing',
        ];
        const text = variables
          .map((variable, i) => `{{${variable}${i % 2 === 0 ? '' : '|fallback'}}}`)
          .join(' ');
        assert.equal(typeof render(text, { name, phone, status, fields }), 'string');
      },
    ),
  );
});

test('renders a non-blank string field exactly as stored', () => {
  fc.assert(
    fc.property(
      fieldKey,
      fc.string({ unit: 'binary' }).filter((s) => s.trim() !== ''),
      (key, value) => {
        assert.equal(
          render(`<{{fields.${key}|default}}>`, contact({ fields: { [key]: value } })),
          `<${value}>`,
        );
      },
    ),
  );
});

const plain = fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/[{}|\\]/g, ''));

test('renders text without braces or backslashes as itself', () => {
  const text = fc.string({ unit: 'binary' }).map((s) => s.replace(/[{}\\]/g, ''));
  fc.assert(fc.property(text, (t) => assert.equal(render(t), t)));
});

test('renders escaped text as the original, whatever it holds', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (original) => {
      assert.equal(render(original.replace(/[{}|\\]/g, '\\$&')), original);
    }),
  );
});

/** A template modelled as a tree: text, or spintax whose options are sequences. */
type Piece = string | { options: Piece[][] };

const pieces = fc.letrec<{ seq: Piece[]; spin: { options: Piece[][] } }>((tie) => ({
  seq: fc.array(fc.oneof({ depthSize: 'small', withCrossShrink: true }, plain, tie('spin')), {
    maxLength: 4,
  }),
  spin: fc.record({ options: fc.array(tie('seq'), { minLength: 2, maxLength: 4 }) }),
})).seq;

/** An option opening with a group would read as `{{`, a variable: a space keeps it spintax. */
function spaced(option: Piece[]): string {
  return toText(option).startsWith('{') ? ' ' : '';
}

function toText(seq: Piece[]): string {
  return seq
    .map((piece) => {
      if (typeof piece === 'string') return piece;
      return `{${piece.options.map((option) => spaced(option) + toText(option)).join('|')}}`;
    })
    .join('');
}

/** What rendering `toText(seq)` must give when spintax is decided by `pick`, left to right. */
function expected(seq: Piece[], pick: Pick): string {
  return seq
    .map((piece) => {
      if (typeof piece === 'string') return piece;
      const option = piece.options[pick(piece.options.length)]!;
      return spaced(option) + expected(option, pick);
    })
    .join('');
}

function replay(draws: number[]): Pick {
  let at = 0;
  return (n) => (draws[at++ % draws.length] ?? 0) % n;
}

test('renders only the spintax options listed, in the order picked', () => {
  fc.assert(
    fc.property(pieces, fc.array(fc.nat(), { minLength: 1 }), (seq, draws) => {
      assert.equal(render(toText(seq), contact(), replay(draws)), expected(seq, replay(draws)));
    }),
  );
});

test('renders one of the listed options of a flat group', () => {
  const option = plain.filter((s) => s !== '');
  fc.assert(
    fc.property(fc.array(option, { minLength: 2, maxLength: 8 }), fc.nat(), (options, draw) => {
      const text = render(`{${options.join('|')}}`, contact(), (n) => draw % n);
      assert.ok(options.includes(text), `${JSON.stringify(text)} is not one of the options`);
    }),
  );
});
