import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { defaultOptOutWords, isOptOut, normaliseReply, optOutWords } from '../../src/domain/opt-out.ts';

describe('isOptOut', () => {
  test('a whole reply that is an opt-out word, in any case, accent, punctuation or emoji, opts out', () => {
    for (const reply of [
      'STOP',
      '  STOP. ',
      'stop 🙏',
      '🛑 Stop!!!',
      '¡BAJA!',
      'Arrêt',
      'ARRET',
      'Stopp',
      'UNSUBSCRIBE',
      'opt-out',
      'Opt out',
      'SAIR',
      'Parar.',
      'berhenti',
      'Descadastrar',
      'Durdur',
      'désinscrire',
      'Band karo',
      'СТОП',
      'ＳＴＯＰ',
      '"stop"',
      'stop\n',
      'stop 👍🏽',
    ]) {
      assert.equal(isOptOut(reply), true, JSON.stringify(reply));
    }
  });

  test('an everyday answer or a sentence that merely contains an opt-out word does not', () => {
    for (const reply of [
      'Cancel',
      'cancel my order',
      'End',
      'quit',
      'No',
      'I want to stop by tomorrow',
      'Please stop the delivery of order 42 until Monday',
      'stop stop',
      'stopping',
      'nonstop',
      'Cancelar',
      'Salir',
      'Basta',
      'iptal',
      '',
      '   ',
      '🙏',
      '!!!',
    ]) {
      assert.equal(isOptOut(reply), false, JSON.stringify(reply));
    }
  });

  test('every word of the default list opts out, whatever surrounds it', () => {
    const decoration = fc.string({
      unit: fc.constantFrom(' ', '.', '!', '¡', '?', '"', '🙏', '🛑', '\n', '…'),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...defaultOptOutWords),
        decoration,
        decoration,
        fc.boolean(),
        (word, before, after, upper) => {
          const reply = `${before}${upper ? word.toUpperCase() : word}${after}`;
          assert.equal(isOptOut(reply), true, JSON.stringify(reply));
        },
      ),
    );
  });

  test('no opt-out word opts out inside a longer message', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...defaultOptOutWords),
        fc.constantFrom('please', 'when', 'order 42', 'tomorrow', 'ok'),
        fc.boolean(),
        (word, other, first) => {
          const reply = first ? `${other} ${word}` : `${word} ${other}`;
          assert.equal(isOptOut(reply), false, JSON.stringify(reply));
        },
      ),
    );
  });

  test('the default list covers at least ten languages and keeps words with everyday meanings out', () => {
    const words = new Set(defaultOptOutWords);
    for (const word of ['stop', 'stopp', 'unsubscribe', 'arret', 'baja', 'parar', 'sair', 'berhenti']) {
      assert.ok(words.has(word), word);
    }
    // One word per language (English, German, Dutch, French, Spanish, Portuguese, Italian,
    // Indonesian, Turkish, Hindi, Polish, Russian) that no other language shares.
    for (const word of [
      'unsubscribe',
      'abmelden',
      'afmelden',
      'desabonner',
      'desuscribir',
      'descadastrar',
      'disiscrivimi',
      'berhenti',
      'durdur',
      'mat bhejo',
      'wypisz',
      'отписаться',
    ]) {
      assert.ok(words.has(word), word);
    }
    for (const word of ['cancel', 'end', 'quit', 'no', 'cancelar', 'salir', 'basta', 'iptal']) {
      assert.ok(!words.has(word), word);
    }
    for (const word of defaultOptOutWords)
      assert.equal(normaliseReply(word), word, 'written as it normalises');
  });

  test('a list of its own can be given, written in any case and with accents', () => {
    const words = optOutWords(['Désabonnement', 'STOP NOW']);
    assert.equal(isOptOut('desabonnement!', words), true);
    assert.equal(isOptOut('Stop   now', words), true);
    assert.equal(isOptOut('stop', words), false);
  });

  test('a very long message is never an opt-out', () => {
    assert.equal(isOptOut('x'.repeat(100_000)), false);
  });
});
