/**
 * Fails when an import points up the layers of docs/architecture.md, or when `domain/`
 * reaches for I/O. Run by `npm run lint`.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');

/** Which top-level parts of src/ each part may import. */
const allowed: Record<string, string[]> = {
  domain: ['domain'],
  system: ['domain', 'system'],
  store: ['domain', 'store'],
  drivers: ['domain', 'system', 'drivers'],
  coordination: ['domain', 'system', 'coordination'],
  engine: ['domain', 'system', 'store', 'drivers', 'coordination', 'engine'],
  api: ['domain', 'system', 'store', 'drivers', 'coordination', 'engine', 'api', 'config.ts'],
  // cli/ may reach drivers/ for `kurir simulator`, which serves the simulated network itself.
  cli: ['domain', 'system', 'store', 'drivers', 'engine', 'cli', 'config.ts'],
  'config.ts': [],
  'main.ts': ['*'],
};

/** Packages `domain/` may use: pure computation only. */
const domainPackages = new Set(['libphonenumber-js/max', 'libphonenumber-js', 'luxon', 'node:crypto']);

function* files(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.name.endsWith('.ts')) yield full;
  }
}

const partOf = (file: string) => path.relative(src, file).split(path.sep)[0] ?? '';
const problems: string[] = [];
const importPattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

for (const file of files(src)) {
  const from = partOf(file);
  const rules = allowed[from];
  const text = fs.readFileSync(file, 'utf8');
  for (const match of text.matchAll(importPattern)) {
    const spec = match[1] ?? match[2] ?? '';
    const where = `${path.relative(root, file)}: '${spec}'`;
    if (spec.startsWith('.')) {
      const target = partOf(path.resolve(path.dirname(file), spec));
      if (rules === undefined) problems.push(`${where}: ${from} is not a known layer`);
      else if (!rules.includes('*') && !rules.includes(target))
        problems.push(`${where}: ${from}/ may not import ${target}`);
    } else if (from === 'domain' && !domainPackages.has(spec)) {
      problems.push(`${where}: domain/ is pure; it may not import ${spec}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`Layer rule broken:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('layers: ok');
