import fs from 'node:fs';
import path from 'node:path';
import { SystemClock } from '../system/system-clock.ts';
import type { ApiClient } from './api-client.ts';
import { fieldsOf } from './campaign-create-options.ts';
import { CliError } from './cli-error.ts';
import { noPositionals, parseVerb, printedJson, runCommandGroup } from './command-group.ts';
import { formatDuration, progressBar } from './progress-bar.ts';

export const contactUsage = `kurir contact — contacts (calls the HTTP API)

Usage: kurir contact <verb> [options]

  add --phone <phone> [--name <name>] [--tag <tag> …] [--field key=value …] [-q]
                                    a contact; a phone without country code is read in the
                                    workspace's default country
  import <file.csv> [--on-duplicate update|skip] [--tag <tag> …] [--mapping <json>]
                                    upload a CSV, follow the import job and print its report
                                    (rejected rows with their line); columns map by header name

Every verb takes --url <server> and --key <API key> (default: KURIR_URL, KURIR_API_KEY)
and --json to print the API's JSON instead.
`;

/** Between two reads of an import job's progress. */
const POLL_MS = 500;

interface ContactJson {
  id: string;
  phone: string;
  name: string | null;
  tags: string[];
  suppressed: boolean;
}

/** An import job as the API returns it: the fields the CLI shows. */
interface ImportJson {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  progress: { totalRows: number; processedRows: number; percent: number };
  counts: { imported: number; updated: number; skipped: number; rejected: number };
  rejections: { line: number; reason: string }[];
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

async function add(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, {
    phone: { type: 'string' },
    name: { type: 'string' },
    tag: { type: 'string', multiple: true },
    field: { type: 'string', multiple: true },
    quiet: { type: 'boolean', short: 'q' },
  });
  noPositionals(positionals, 'contact add');
  if (values.phone === undefined) throw new CliError('contact add needs --phone');
  const fields = fieldsOf(values.field ?? []);
  const c = await client().call<ContactJson>('POST', '/v1/contacts', {
    phone: values.phone,
    ...(values.name === undefined ? {} : { name: values.name }),
    ...(values.tag === undefined ? {} : { tags: values.tag }),
    ...(values.field === undefined ? {} : { fields }),
  });
  if (printedJson(values, c)) return;
  const tags = c.tags.length === 0 ? '' : ` [${c.tags.join(', ')}]`;
  const suppressed = c.suppressed ? ' (suppressed: campaigns skip this number)' : '';
  process.stdout.write(
    values.quiet ? `${c.id}\n` : `${c.id}\nContact ${c.phone} ${c.name ?? ''}${tags}${suppressed}\n`,
  );
}

/** Reads the job until it is completed or failed, showing progress on a terminal. */
async function follow(api: ApiClient, job: ImportJson): Promise<ImportJson> {
  const clock = new SystemClock();
  const tty = process.stdout.isTTY === true;
  while (job.status === 'queued' || job.status === 'running') {
    if (tty) {
      const p = job.progress;
      process.stdout.write(
        `\r${progressBar(p.percent)} ${p.percent.toFixed(1)}%  ${p.processedRows}/${p.totalRows} rows\x1b[K`,
      );
    }
    await new Promise<void>((resolve) => clock.timer(clock.now() + POLL_MS, resolve));
    job = await api.call<ImportJson>('GET', `/v1/contacts/import/${encodeURIComponent(job.id)}`);
  }
  if (tty) process.stdout.write('\r\x1b[K');
  return job;
}

function report(job: ImportJson): string {
  const { counts: c, progress: p } = job;
  const took =
    job.finishedAt === null
      ? ''
      : ` in ${formatDuration((Date.parse(job.finishedAt) - Date.parse(job.createdAt)) / 1000)}`;
  const lines = [
    `Import ${job.id} ${job.status}${took}: ${p.processedRows} of ${p.totalRows} rows — ` +
      `${c.imported} imported, ${c.updated} updated, ${c.skipped} skipped, ${c.rejected} rejected`,
  ];
  for (const r of job.rejections) lines.push(`  line ${r.line}: ${r.reason}`);
  if (c.rejected > job.rejections.length)
    lines.push(
      `  … ${c.rejected - job.rejections.length} more: GET /v1/contacts/import/${job.id}/rejections`,
    );
  return `${lines.join('\n')}\n`;
}

function importCsv(argv: string[]) {
  return uploadCsv(argv, 'contact import', 0, () => '/v1/contacts/import');
}

/**
 * Uploads a CSV with the import options, follows the import job and prints its report:
 * `contact import`, and `campaign audience`, whose first `idCount` positionals are ids for `urlFor`.
 */
export async function uploadCsv(
  argv: string[],
  command: string,
  idCount: number,
  urlFor: (ids: string[]) => string,
): Promise<void> {
  const {
    values,
    positionals: all,
    client,
  } = parseVerb(argv, {
    'on-duplicate': { type: 'string' },
    tag: { type: 'string', multiple: true },
    mapping: { type: 'string' },
  });
  const ids = all.slice(0, idCount);
  const positionals = all.slice(idCount);
  const [file, ...extra] = positionals;
  if (ids.length < idCount || file === undefined)
    throw new CliError(
      `${command} needs ${idCount > 0 ? 'an id and ' : ''}a CSV file: kurir ${command} ${idCount > 0 ? '<id> ' : ''}contacts.csv`,
    );
  if (extra.length > 0) throw new CliError(`${command} takes one file, got ${positionals.join(' ')}`);
  const onDuplicate = values['on-duplicate'];
  if (onDuplicate !== undefined && onDuplicate !== 'update' && onDuplicate !== 'skip')
    throw new CliError(`--on-duplicate is update or skip (got ${onDuplicate})`);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new CliError(`no file ${file}`);
  const api = client();
  // Options go before the file: the server reads them before it streams the upload.
  const form = new FormData();
  if (onDuplicate !== undefined) form.append('onDuplicate', onDuplicate);
  if (values.tag !== undefined) form.append('tags', values.tag.join(','));
  if (values.mapping !== undefined) form.append('mapping', values.mapping);
  form.append('file', await fs.openAsBlob(file, { type: 'text/csv' }), path.basename(file));
  const submitted = await api.upload<ImportJson>(urlFor(ids), form);
  const job = await follow(api, submitted);
  if (!printedJson(values, job)) process.stdout.write(report(job));
  if (job.status === 'failed') throw new Error(`import ${job.id} failed: ${job.error ?? 'no reason given'}`);
}

export function contactCommand(argv: string[]): Promise<number> {
  return runCommandGroup('contact', contactUsage, { add, import: importCsv }, argv);
}
