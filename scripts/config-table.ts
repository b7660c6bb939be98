/**
 * Writes the README's configuration table from the config schemas (the server's, then the
 * command line's), between the markers
 * `<!-- config:start -->` and `<!-- config:end -->`. `npm run docs:config`; a test fails
 * when the README is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { cliConfigSchema, configSchema } from '../src/config.ts';

export function configTable(): string {
  const shape = { ...configSchema.shape, ...cliConfigSchema.shape };
  const rows = Object.entries(shape).map(([key, schema]) => {
    const s = schema as z.ZodType;
    const description = s.description ?? '';
    let fallback = '';
    const parsed = z.object({ [key]: s }).safeParse({});
    if (parsed.success) {
      const value = (parsed.data as Record<string, unknown>)[key];
      fallback = value === undefined ? '—' : `\`${String(value)}\``;
    }
    return `| \`${key}\` | ${fallback} | ${description} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export const readmePath = path.resolve(import.meta.dirname, '..', 'README.md');
const start = '<!-- config:start -->';
const end = '<!-- config:end -->';

export function withTable(readme: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md needs ${start} and ${end}`);
  return `${readme.slice(0, from + start.length)}\n${configTable()}\n${readme.slice(to)}`;
}

if (import.meta.main) {
  const readme = fs.readFileSync(readmePath, 'utf8');
  fs.writeFileSync(readmePath, withTable(readme));
  console.log('README configuration table updated');
}
