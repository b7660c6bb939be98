/**
 * Writes the table of docs/errors.md from the error catalogue (`npm run docs:errors`);
 * a test fails when the two disagree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errorCatalogue } from '../src/domain/errors.ts';

const file = path.resolve(import.meta.dirname, '..', 'docs', 'errors.md');
const header = '| Code | HTTP | Meaning |\n| --- | --- | --- |\n';
const rows = Object.entries(errorCatalogue)
  .map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.title} |`)
  .join('\n');
const doc = fs.readFileSync(file, 'utf8');
const start = doc.indexOf(header);
if (start < 0) throw new Error('docs/errors.md has no table header');
fs.writeFileSync(file, `${doc.slice(0, start)}${header}${rows}\n`);
console.log('docs/errors.md updated');
