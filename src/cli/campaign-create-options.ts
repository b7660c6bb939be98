import type { ParseArgsOptionsConfig } from 'node:util';
import { pacingPresets } from '../domain/pacing/pacing-policy.ts';
import { CliError } from './cli-error.ts';

/** The flags of `kurir campaign create`. */
export const campaignCreateOptions = {
  name: { type: 'string' },
  template: { type: 'string' },
  sender: { type: 'string', multiple: true },
  tag: { type: 'string', multiple: true },
  status: { type: 'string', multiple: true },
  field: { type: 'string', multiple: true },
  contact: { type: 'string', multiple: true },
  pacing: { type: 'string' },
  min: { type: 'string' },
  max: { type: 'string' },
  'batch-every': { type: 'string' },
  'batch-min': { type: 'string' },
  'batch-max': { type: 'string' },
  typing: { type: 'boolean' },
  window: { type: 'string' },
  'start-at': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const satisfies ParseArgsOptionsConfig;

export interface CampaignCreateFlags {
  name?: string | undefined;
  template?: string | undefined;
  sender?: string[] | undefined;
  tag?: string[] | undefined;
  status?: string[] | undefined;
  field?: string[] | undefined;
  contact?: string[] | undefined;
  pacing?: string | undefined;
  min?: string | undefined;
  max?: string | undefined;
  'batch-every'?: string | undefined;
  'batch-min'?: string | undefined;
  'batch-max'?: string | undefined;
  typing?: boolean | undefined;
  window?: string | undefined;
  'start-at'?: string | undefined;
}

/** A send window as the API takes it. */
export interface WindowBody {
  days: number[];
  from: string;
  to: string;
  timezone: string;
}

const dayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function isoDay(name: string, text: string): number {
  const i = dayNames.indexOf(name.slice(0, 3).toLowerCase());
  if (i < 0 || name.length < 3) throw new CliError(`--window: ${name} is not a day (mon … sun) in "${text}"`);
  return i + 1;
}

function dayList(spec: string, text: string): number[] {
  if (spec === 'daily') return [1, 2, 3, 4, 5, 6, 7];
  const days = new Set<number>();
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-');
    const from = isoDay(a ?? '', text);
    const to = b === undefined ? from : isoDay(b, text);
    // fri-mon wraps over the weekend.
    for (let d = from; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

function hhmm(value: string, text: string): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (m === null || Number(m[1]) > 23 || Number(m[2]) > 59)
    throw new CliError(`--window: ${value} is not a time HH:MM in "${text}"`);
  return `${m[1]?.padStart(2, '0')}:${m[2]}`;
}

/**
 * `mon-fri 09:00-17:00 Europe/Berlin`: days (`mon,wed,fri`, `fri-mon`, `daily`, or left out
 * for every day), local hours, IANA zone. The zone is checked by the server.
 */
export function parseWindow(text: string): WindowBody {
  const m = /^\s*(?:(\S+)\s+)?(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s+(\S+)\s*$/.exec(text);
  if (m === null)
    throw new CliError(`--window takes "days HH:MM-HH:MM zone", e.g. "mon-fri 09:00-17:00 Europe/Berlin"`);
  return {
    days: dayList(m[1] ?? 'daily', text),
    from: hhmm(m[2] ?? '', text),
    to: hhmm(m[3] ?? '', text),
    timezone: m[4] ?? '',
  };
}

function seconds(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new CliError(`--${flag} takes seconds, e.g. 4 or 2.5 (got ${value})`);
  return n;
}

function pacingOf(f: CampaignCreateFlags): Record<string, unknown> | undefined {
  const batchGiven = [f['batch-every'], f['batch-min'], f['batch-max']].some((v) => v !== undefined);
  const gapGiven = f.min !== undefined || f.max !== undefined;
  if (f.pacing === undefined && !gapGiven && !batchGiven && f.typing !== true) return undefined;
  const preset = f.pacing ?? (gapGiven ? 'manual' : 'medium');
  if (!(pacingPresets as readonly string[]).includes(preset))
    throw new CliError(`--pacing is one of ${pacingPresets.join(', ')} (got ${preset})`);
  const pacing: Record<string, unknown> = { preset };
  if (preset === 'manual') {
    if (f.min === undefined) throw new CliError('--pacing manual needs --min (and --max) seconds');
    pacing.minSeconds = seconds('min', f.min);
    pacing.maxSeconds = f.max === undefined ? pacing.minSeconds : seconds('max', f.max);
  } else if (gapGiven) {
    throw new CliError(`--min and --max set the gap of --pacing manual; ${preset} has its own`);
  }
  if (batchGiven) {
    const every = Number(f['batch-every']);
    if (!Number.isInteger(every) || every < 1)
      throw new CliError(
        '--batch-every takes a whole number of messages (and --batch-min, --batch-max seconds)',
      );
    if (f['batch-min'] === undefined)
      throw new CliError('--batch-every needs --batch-min (and --batch-max) seconds');
    const min = seconds('batch-min', f['batch-min']);
    const max = f['batch-max'] === undefined ? min : seconds('batch-max', f['batch-max']);
    pacing.batch = { every, minSeconds: min, maxSeconds: max };
  }
  if (f.typing === true) pacing.typing = true;
  return pacing;
}

/** `--field key=value` flags as an object; a pair without a key is a usage error. */
export function fieldsOf(pairs: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--field takes key=value (got ${pair})`);
    fields[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return fields;
}

/** The body of `POST /v1/campaigns` from the flags; mistakes the server would also refuse are usage errors here. */
export function campaignCreateBody(f: CampaignCreateFlags): Record<string, unknown> {
  if (f.name === undefined) throw new CliError('campaign create needs --name');
  if (f.template === undefined)
    throw new CliError('campaign create needs --template <id> (see `kurir template ls`)');
  if (f.sender === undefined || f.sender.length === 0)
    throw new CliError('campaign create needs at least one --sender <id> (see `kurir sender ls`)');
  const audience: Record<string, unknown> = {};
  if (f.tag) audience.tags = f.tag;
  if (f.status) audience.status = f.status;
  if (f.field) audience.fields = fieldsOf(f.field);
  if (f.contact) audience.contactIds = f.contact;
  const pacing = pacingOf(f);
  return {
    name: f.name,
    templateId: f.template,
    senderIds: f.sender,
    ...(Object.keys(audience).length > 0 ? { audience } : {}),
    ...(pacing === undefined ? {} : { pacing }),
    ...(f.window === undefined ? {} : { window: parseWindow(f.window) }),
    ...(f['start-at'] === undefined ? {} : { startAt: f['start-at'] }),
  };
}
