import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { neutraliseFormula, restoreNeutralised } from '../../src/domain/csv-cell.ts';

describe('neutraliseFormula', () => {
  test('prefixes a quote to cells a spreadsheet would read as a formula', () => {
    for (const value of ['=HYPERLINK("http://x","y")', '+1+2', '-5', '@SUM(A1)', '\t=1', '\r=1']) {
      assert.equal(neutraliseFormula(value), `'${value}`, JSON.stringify(value));
    }
  });

  test('leaves every other cell as it is', () => {
    for (const value of ['', 'Anna', ' =1', "'=1", '1-2', 'a@b.c']) {
      assert.equal(neutraliseFormula(value), value, JSON.stringify(value));
    }
  });

  test('restoreNeutralised gives back any value, unless it already looked neutralised', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", 'a', ' ') }),
        (value) => {
          const expected = /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
          assert.equal(restoreNeutralised(neutraliseFormula(value)), expected);
        },
      ),
    );
  });

  test('restoreNeutralised leaves a plain leading quote alone', () => {
    assert.equal(restoreNeutralised("'x"), "'x");
    assert.equal(restoreNeutralised("'"), "'");
    assert.equal(restoreNeutralised("'=1"), '=1');
  });
});
