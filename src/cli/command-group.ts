import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { connect } from './api-client.ts';
import { CliError } from './cli-error.ts';

/** Flags every verb that calls the HTTP API takes. */
export const clientOptions = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsOptionsConfig;

/** Parses one verb's arguments strictly: an unknown flag is a usage error (exit 2). */
export function parseVerb<const O extends ParseArgsOptionsConfig>(argv: string[], options: O) {
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { ...clientOptions, ...options },
  });
  return { ...parsed, client: () => connect(parsed.values as { url?: string; key?: string }) };
}

/** The single id a verb like `campaign start <id>` takes. */
export function oneId(positionals: string[], verb: string, what: string, list: string): string {
  const [id, ...extra] = positionals;
  if (id === undefined) throw new CliError(`${verb} needs a ${what} id (see \`${list}\`)`);
  if (extra.length > 0) throw new CliError(`${verb} takes one ${what} id, got ${positionals.join(' ')}`);
  return id;
}

/** For verbs that take flags only: a stray word is usually a value that needed quotes. */
export function noPositionals(positionals: string[], verb: string): void {
  if (positionals.length > 0)
    throw new CliError(`${verb} takes flags only, not ${positionals.join(' ')} (quote values with spaces)`);
}

/** Prints `value` as the API's JSON when `--json` was given; returns whether it did. */
export function printedJson(values: { json?: boolean | undefined }, value: unknown): boolean {
  if (values.json !== true) return false;
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return true;
}

export type Verb = (argv: string[]) => Promise<void>;

/**
 * `kurir <group> <verb> …`: help for the group on `--help` or no verb, a usage error
 * (exit 2) for an unknown verb, otherwise the verb's own parsing and run.
 */
export async function runCommandGroup(
  group: string,
  usage: string,
  verbs: Record<string, Verb>,
  argv: string[],
): Promise<number> {
  const [verb, ...rest] = argv;
  const help = ['help', '--help', '-h'];
  if (verb === undefined || help.includes(verb) || rest.some((a) => help.slice(1).includes(a))) {
    process.stdout.write(usage);
    return 0;
  }
  const run = verbs[verb];
  if (run === undefined) throw new CliError(`unknown command: ${group} ${verb}\n\n${usage}`);
  await run(rest);
  return 0;
}
