import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findUnstorableText, pointerOf, unstorableTextReason } from '../../src/domain/storable-text.ts';

test('NUL and unpaired surrogates are refused; pairs, controls and U+FFFD are text', () => {
  assert.match(unstorableTextReason('a\u0000b') ?? '', /NUL character \(U\+0000\)/);
  assert.match(unstorableTextReason('\ud83d') ?? '', /unpaired surrogate \(U\+D83D\)/);
  assert.match(unstorableTextReason('x\ude00y') ?? '', /unpaired surrogate \(U\+DE00\)/);
  assert.match(
    unstorableTextReason('\ude00\ud83d') ?? '',
    /U\+DE00/,
    'reversed halves are two unpaired ones',
  );
  for (const fine of ['', 'Zoë', '😀', '\u0001\u001f', '\ufffd', '\u200b', 'ﬁ']) {
    assert.equal(unstorableTextReason(fine), null, JSON.stringify(fine));
  }
});

test('every bad string of a value is found with its JSON Pointer, keys included', () => {
  const found = findUnstorableText({
    name: 'ok',
    tags: ['fine', 'b\u0000d'],
    fields: { 'a/b': '\ud800', 'k\u0000': 1 },
    nested: [{ deep: ['\u0000'] }],
    n: 5,
    flag: true,
    none: null,
  });
  assert.deepEqual(
    found.map((f) => pointerOf(f.path)),
    ['/tags/1', '/fields/k\u0000', '/fields/a~1b', '/nested/0/deep/0'],
  );
  assert.match(found[1]?.detail ?? '', /^the key must not contain/);
  assert.deepEqual(
    findUnstorableText('\u0000').map((f) => pointerOf(f.path)),
    ['/'],
  );
});

test('a value nested far deeper than the call stack is walked without overflowing it', () => {
  let deep: unknown = '\u0000';
  for (let i = 0; i < 200_000; i++) deep = [deep];
  const found = findUnstorableText({ a: deep });
  assert.equal(found.length, 1);
  assert.equal(found[0]?.path.length, 200_001);
});

test('the walk stops at the limit and leaves streams and buffers alone', () => {
  const many = Array.from({ length: 1000 }, () => '\u0000');
  assert.equal(findUnstorableText(many, 50).length, 50);
  assert.deepEqual(findUnstorableText({ b: Buffer.from([0]), d: new Date(0) }), []);
  const query = Object.create(null) as Record<string, unknown>;
  query.q = '\u0000';
  assert.deepEqual(findUnstorableText(query)[0]?.path, ['q'], 'a prototype-less record is walked');
});
