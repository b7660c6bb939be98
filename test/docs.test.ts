import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { configTable, readmePath, withTable } from '../scripts/config-table.ts';
import { errorCatalogue } from '../src/domain/errors.ts';

test('docs/errors.md lists exactly the codes of the catalogue, with their statuses', () => {
  const doc = fs.readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map(
    [...doc.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]),
  );
  const catalogued = new Map(Object.entries(errorCatalogue).map(([code, e]) => [code, e.status as number]));
  assert.deepEqual([...documented.entries()].sort(), [...catalogued.entries()].sort());
});

test("the README's configuration table matches the config schema", () => {
  const readme = fs.readFileSync(readmePath, 'utf8');
  assert.ok(readme.includes(configTable()), 'run `npm run docs:config`');
  assert.equal(withTable(readme), readme);
});

test('the README shows the two commands a new user needs', () => {
  const readme = fs.readFileSync(readmePath, 'utf8');
  assert.ok(readme.includes('npm install && npm start'));
  assert.ok(readme.includes('npm test'));
});
