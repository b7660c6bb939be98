import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { TemplateProblem } from '../../../src/domain/template/parse-template.ts';
import { parseTemplate } from '../../../src/domain/template/parse-template.ts';
import type { TemplateNode } from '../../../src/domain/template/template-node.ts';

function nodesOf(text: string): TemplateNode[] {
  const parsed = parseTemplate(text);
  assert.ok(parsed.ok, `expected ${JSON.stringify(text)} to parse`);
  return parsed.nodes;
}

function problemsOf(text: string): TemplateProblem[] {
  const parsed = parseTemplate(text);
  assert.ok(!parsed.ok, `expected ${JSON.stringify(text)} not to parse`);
  return parsed.problems;
}

test('parses variables with trimmed names and defaults', () => {
  assert.deepEqual(nodesOf('Hi {{ firstName }}, {{city | your town}}!'), [
    { type: 'text', text: 'Hi ' },
    { type: 'variable', source: 'builtin', name: 'firstName', defaultText: null },
    { type: 'text', text: ', ' },
    { type: 'variable', source: 'field', name: 'city', defaultText: 'your town' },
    { type: 'text', text: '!' },
  ]);
});

test('reads fields.x as the custom field x, even when x is a built-in name', () => {
  assert.deepEqual(nodesOf('{{fields.city}}{{fields.name|-}}{{order.id}}'), [
    { type: 'variable', source: 'field', name: 'city', defaultText: null },
    { type: 'variable', source: 'field', name: 'name', defaultText: '-' },
    { type: 'variable', source: 'field', name: 'order.id', defaultText: null },
  ]);
});

test('keeps an empty default apart from no default', () => {
  assert.deepEqual(nodesOf('{{city|}}'), [
    { type: 'variable', source: 'field', name: 'city', defaultText: '' },
  ]);
});

test('lets a default hold spaces, braces and pipes up to the first }}', () => {
  assert.deepEqual(nodesOf('{{city|the {big} | town}}'), [
    { type: 'variable', source: 'field', name: 'city', defaultText: 'the {big} | town' },
  ]);
});

test('parses nested spintax into options', () => {
  assert.deepEqual(nodesOf('{Hi|Hello {there|friend}}'), [
    {
      type: 'spin',
      options: [
        [{ type: 'text', text: 'Hi' }],
        [
          { type: 'text', text: 'Hello ' },
          {
            type: 'spin',
            options: [[{ type: 'text', text: 'there' }], [{ type: 'text', text: 'friend' }]],
          },
        ],
      ],
    },
  ]);
});

test('keeps a group without a pipe as literal text, braces included', () => {
  assert.deepEqual(nodesOf('use {foo} or {} as is'), [{ type: 'text', text: 'use {foo} or {} as is' }]);
  assert.deepEqual(nodesOf('{{{name}}}'), [
    { type: 'text', text: '{' },
    { type: 'variable', source: 'builtin', name: 'name', defaultText: null },
    { type: 'text', text: '}' },
  ]);
});

test('opens a variable with the last two braces of a run', () => {
  assert.deepEqual(nodesOf('{{{name}}|there}'), [
    {
      type: 'spin',
      options: [
        [{ type: 'variable', source: 'builtin', name: 'name', defaultText: null }],
        [{ type: 'text', text: 'there' }],
      ],
    },
  ]);
});

test('resolves escapes and keeps a pipe outside spintax literal', () => {
  assert.deepEqual(nodesOf('\\{a\\|b\\} \\\\ a|b C:\\path'), [
    { type: 'text', text: '{a|b} \\ a|b C:\\path' },
  ]);
});

test('passes WhatsApp formatting, emoji and newlines through untouched', () => {
  const text = '*bold* _italic_ ~strike~ ```mono```\n> quote\n- item 🎉 ñ 日本';
  assert.deepEqual(nodesOf(text), [{ type: 'text', text }]);
});

test('reports an unclosed { with its line and column', () => {
  assert.deepEqual(problemsOf('Hello\n  {Hi|Hey there'), [
    { offset: 8, line: 2, column: 3, message: "unclosed '{' opened here" },
  ]);
});

test('reports an unclosed {{ where it opens', () => {
  const [problem, ...rest] = problemsOf('a\nb {{name');
  assert.equal(rest.length, 0);
  assert.deepEqual({ ...problem, message: undefined }, { offset: 4, line: 2, column: 3, message: undefined });
  assert.match(problem!.message, /^unclosed '\{\{' opened here/);
});

test('reports a stray } and keeps going to find more problems', () => {
  assert.deepEqual(problemsOf('a } b\n{c'), [
    { offset: 2, line: 1, column: 3, message: "'}' has no matching '{'" },
    { offset: 6, line: 2, column: 1, message: "unclosed '{' opened here" },
  ]);
});

test('reports empty and invalid variable names at the name', () => {
  const problems = problemsOf('{{}} {{ |x}}\n{{  first name }} {{1st}} {{fields.}}');
  assert.deepEqual(
    problems.map(({ offset, line, column }) => ({ offset, line, column })),
    [
      { offset: 0, line: 1, column: 1 },
      { offset: 5, line: 1, column: 6 },
      { offset: 17, line: 2, column: 5 },
      { offset: 33, line: 2, column: 21 },
      { offset: 41, line: 2, column: 29 },
    ],
  );
  assert.match(problems[0]!.message, /variable has no name/);
  assert.match(problems[2]!.message, /'first name' is not a valid variable name/);
});

test('counts columns in UTF-16 code units, as JavaScript indexes strings', () => {
  assert.deepEqual(problemsOf('🎉}'), [
    { offset: 2, line: 1, column: 3, message: "'}' has no matching '{'" },
  ]);
});

test('places a stray } at its line and column whatever precedes it', () => {
  const line = fc.string({ unit: 'binary' }).map((s) => s.replace(/[{}\\\n]/g, ''));
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (lines) => {
      const text = `${lines.join('\n')}}`;
      const last = lines.at(-1)!;
      assert.deepEqual(problemsOf(text), [
        {
          offset: text.length - 1,
          line: lines.length,
          column: last.length + 1,
          message: "'}' has no matching '{'",
        },
      ]);
    }),
  );
});
