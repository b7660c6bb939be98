import { CliError } from './cli-error.ts';
import { noPositionals, parseVerb, printedJson, runCommandGroup } from './command-group.ts';
import { textTable } from './text-table.ts';

export const templateUsage = `kurir template — message templates (calls the HTTP API)

Usage: kurir template <verb> [options]

  ls                                templates: id, name, variants, variables
  add --name <name> --text <text> [--text <text> …] [-q]
                                    a template; each --text is a variant (each recipient gets
                                    one): {{name}}, {{firstName|there}}, spintax {Hi|Hello}

Every verb takes --url <server> and --key <API key> (default: KURIR_URL, KURIR_API_KEY)
and --json to print the API's JSON instead.
`;

/** A template as the API returns it: the fields the CLI shows. */
interface TemplateJson {
  id: string;
  name: string;
  variants: string[];
  variables: string[];
  warnings: string[];
}

async function ls(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, {});
  noPositionals(positionals, 'template ls');
  const all = await client().all<TemplateJson>('/v1/templates');
  if (printedJson(values, all)) return;
  if (all.length === 0) {
    process.stdout.write('no templates yet (kurir template add --help)\n');
    return;
  }
  process.stdout.write(
    textTable([
      ['ID', 'NAME', 'VARIANTS', 'VARIABLES'],
      ...all.map((t) => [t.id, t.name, String(t.variants.length), t.variables.join(', ') || '-']),
    ]),
  );
}

async function add(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, {
    name: { type: 'string' },
    text: { type: 'string', multiple: true },
    quiet: { type: 'boolean', short: 'q' },
  });
  noPositionals(positionals, 'template add');
  if (values.name === undefined) throw new CliError('template add needs --name');
  if (values.text === undefined) throw new CliError('template add needs --text (once per variant)');
  const t = await client().call<TemplateJson>('POST', '/v1/templates', {
    name: values.name,
    variants: values.text,
  });
  if (printedJson(values, t)) return;
  if (values.quiet) {
    process.stdout.write(`${t.id}\n`);
    return;
  }
  const variables = t.variables.length === 0 ? 'no variables' : `variables ${t.variables.join(', ')}`;
  const variants = t.variants.length === 1 ? '1 variant' : `${t.variants.length} variants`;
  process.stdout.write(`${t.id}\nTemplate "${t.name}": ${variants}, ${variables}\n`);
  for (const warning of t.warnings) process.stdout.write(`  warning: ${warning}\n`);
}

export function templateCommand(argv: string[]): Promise<number> {
  return runCommandGroup('template', templateUsage, { ls, list: ls, add }, argv);
}
