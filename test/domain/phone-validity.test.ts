import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { normalisePhone } from '../../src/domain/phone.ts';
import { PhoneValidity } from '../../src/domain/phone-validity.ts';

const countries = getCountries();

describe('PhoneValidity', () => {
  test('gives the answer of libphonenumber for any digits after any country code', () => {
    const validity = new PhoneValidity();
    fc.assert(
      fc.property(
        fc.constantFrom(...countries),
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 17 }),
        (country, digits) => {
          const parsed = parsePhoneNumberFromString(`+${getCountryCallingCode(country)}${digits}`);
          if (parsed === undefined) return;
          assert.equal(validity.isValid(parsed), parsed.isValid(), parsed.number);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  test('accepts every country’s example mobile number and rejects it one digit short', () => {
    const validity = new PhoneValidity();
    for (const country of countries) {
      const example = getExampleNumber(country, examples);
      if (example === undefined) continue;
      assert.equal(validity.isValid(example), example.isValid(), `${country} ${example.number}`);
      const short = parsePhoneNumberFromString(example.number.slice(0, -1));
      if (short !== undefined)
        assert.equal(validity.isValid(short), short.isValid(), `${country} ${short.number}`);
    }
  });
});

describe('normalisePhone', () => {
  test('reads national numbers in the default country and rejects impossible ones with a reason', () => {
    assert.deepEqual(normalisePhone('0151 1234 5678', 'DE'), { ok: true, e164: '+4915112345678' });
    assert.deepEqual(normalisePhone('0049 151 12345678', null), { ok: true, e164: '+4915112345678' });
    assert.deepEqual(normalisePhone('+49 140 12345678', 'DE'), {
      ok: false,
      reason: 'is not a valid number for DE',
    });
    assert.deepEqual(normalisePhone('12345', 'DE'), { ok: false, reason: 'is not a valid number for DE' });
  });
});

describe('normalisePhone reads a cell whole when it can', () => {
  test('with the answer libphonenumber gives when it searches the cell for a number', () => {
    const cell = fc
      .tuple(
        fc.constantFrom('+49', '+1', '+44', '+', '01', '03', '07', '1', '9'),
        fc.string({ unit: fc.constantFrom(...'0123456789012345678901234567 ()-./+xt:'), maxLength: 18 }),
      )
      .map(([start, rest]) => `${start}${rest}`.trim());
    fc.assert(
      fc.property(cell, (text) => {
        fc.pre(text !== '' && /\d/.test(text));
        const searched = parsePhoneNumberFromString(text, 'DE');
        const expected = searched?.isValid() ? searched.number : null;
        const result = normalisePhone(text, 'DE');
        assert.equal(result.ok ? result.e164 : null, expected, JSON.stringify(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
