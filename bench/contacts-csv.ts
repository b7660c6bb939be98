import { once } from 'node:events';
import fs from 'node:fs';

/**
 * Writes a realistic contact CSV for the import benchmark: German mobile numbers written
 * the ways people write them (national, international, with spaces or dashes), ~1% invalid,
 * ~1% repeating an earlier row's number in another form, 5% quoted names with a comma,
 * 0–2 tags and two custom fields. Seeded: the same file every run.
 */
/** A tiny seeded generator (mulberry32): the same file every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const prefixes = [
  '151',
  '152',
  '157',
  '159',
  '160',
  '162',
  '163',
  '170',
  '171',
  '172',
  '175',
  '176',
  '177',
  '178',
  '179',
];
const firstNames = [
  'Anna',
  'Jonas',
  'Lea',
  'Lukas',
  'Mia',
  'Elias',
  'Emma',
  'Finn',
  'Sofia',
  'Ben',
  'Zoë',
  'Jürgen',
];
const lastNames = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Hoffmann',
];
const tagPool = ['vip', 'newsletter', 'b2b', 'event-2025', 'lead', 'customer', 'berlin'];
const cities = [
  'Berlin',
  'Hamburg',
  'München',
  'Köln',
  'Frankfurt am Main',
  'Stuttgart',
  'Düsseldorf',
  'Leipzig',
];
const plans = ['free', 'starter', 'pro', 'enterprise'];
const invalid = ['12345', '0151 12', '+49 999 1234', 'n/a', '', '0000000000', '+1 555 0100'];

/** A German mobile number unique to `i`, in one of the ways people write them. */
function phone(i: number, style: number): string {
  const prefix = prefixes[i % prefixes.length] as string;
  // 48271 is coprime with 10^8, so this permutes the suffixes: unique and unordered.
  const suffix = String((Math.floor(i / prefixes.length) * 48271 + 12345) % 100_000_000).padStart(8, '0');
  switch (style) {
    case 0:
      return `0${prefix} ${suffix.slice(0, 4)} ${suffix.slice(4)}`;
    case 1:
      return `0${prefix}${suffix}`;
    case 2:
      return `+49 ${prefix} ${suffix}`;
    case 3:
      return `+49${prefix}${suffix}`;
    case 4:
      return `0049 ${prefix} ${suffix}`;
    default:
      return `0${prefix}-${suffix}`;
  }
}

export async function generateContactsCsv(file: string, count: number): Promise<void> {
  const random = seeded(20260105);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const out = fs.createWriteStream(file);
  out.write('Name,Phone,Tags,City,Plan\n');
  let chunk = '';
  for (let i = 0; i < count; i++) {
    const roll = random();
    // ~1% invalid, ~1% a repeat of an earlier row's number written another way.
    const number =
      roll < 0.01
        ? pick(invalid)
        : roll < 0.02 && i > 0
          ? phone(Math.floor(random() * i), Math.floor(random() * 6))
          : phone(i, Math.floor(random() * 6));
    const quotedName = random() < 0.05;
    const name = quotedName
      ? `"${pick(lastNames)}, ${pick(firstNames)}"`
      : `${pick(firstNames)} ${pick(lastNames)}`;
    const tagCount = Math.floor(random() * 3);
    const tags: string[] = [];
    for (let t = 0; t < tagCount; t++) tags.push(pick(tagPool));
    chunk += `${name},${number},${tags.join(';')},${pick(cities)},${pick(plans)}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

// `node bench/contacts-csv.ts <file> <rows>`: the import benchmark runs the generator in its
// own process, so the memory it measures is the import's alone.
if (import.meta.main) {
  const [file, count] = process.argv.slice(2);
  if (file === undefined || !(Number(count) > 0)) {
    console.error('usage: node bench/contacts-csv.ts <file> <rows>');
    process.exit(2);
  }
  await generateContactsCsv(file, Number(count));
}
