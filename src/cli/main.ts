import { parseArgs } from 'node:util';
import { ApiProblem, ApiUnreachable, formatProblem } from './api-client.ts';
import { CliError } from './cli-error.ts';

const usage = `kurir — WhatsApp campaigns, self-hosted

Usage: kurir <command> [options]

Workspaces and keys (run on the server: they open its database directly)
  workspace list                          list workspaces
  workspace create <name> [--country DE]  create a workspace and its first API key
  keys list [--workspace <id>]            list API keys (prefix, name, last use)
  keys create [--name <name>] [--workspace <id>]
                                          create an API key; its secret is printed once
  keys revoke <key id> [--workspace <id>] revoke an API key
  backup <file.tar> [--no-files]          the database, secret and uploads in one file, while it runs
  restore <file.tar> [--force]            a backup into DATA_DIR (see kurir backup --help)

Campaigns, senders, templates, contacts (clients of the HTTP API; see kurir <group> --help)
  campaign ls [--status running]          campaigns with status and progress
  campaign create --name <n> --template <id> --sender <id> [audience, pacing, window flags]
  campaign start|pause|resume|stop|clone <id>
  campaign show <id>                      counts, progress and ETA
  campaign watch <id>                     live progress until the campaign ends
  sender ls | add --name <n> --phone <+E.164> [--auto-pair] | pause|resume|logout <id>
  template ls | add --name <n> --text <variant> [--text <variant> …]
  contact add --phone <phone> [--name <n>] [--tag <t> …]
  contact import <file.csv> [--on-duplicate skip]

  These take --url and --key (default: KURIR_URL, else http://127.0.0.1:3000, and
  KURIR_API_KEY) and --json for the API's JSON. API errors exit with 1, usage mistakes with 2.

Simulator
  simulator [--port 7080] [--no-dedup] …  run a simulated WhatsApp network (see simulator --help)

Workspace, key, backup and restore commands choose the database as the server does:
DATABASE_URL, or DATA_DIR/kurir.db. Without --workspace, they act on the first (default)
workspace.
`;

type Group = (argv: string[]) => Promise<number>;

/**
 * Groups that parse their own flags: the simulator, and the verbs that call the HTTP API.
 * Loaded on use, so `kurir campaign …` does not load the store and its database drivers.
 */
const groups: Record<string, () => Promise<Group>> = {
  simulator: async () => (await import('./simulator-command.ts')).simulatorCommand,
  campaign: async () => (await import('./campaign-commands.ts')).campaignCommand,
  sender: async () => (await import('./sender-commands.ts')).senderCommand,
  template: async () => (await import('./template-commands.ts')).templateCommand,
  contact: async () => (await import('./contact-commands.ts')).contactCommand,
  backup: async () => (await import('./backup-commands.ts')).backupCommand,
  restore: async () => (await import('./backup-commands.ts')).restoreCommand,
};

async function run(argv: string[]): Promise<number> {
  const group = argv[0] === undefined ? undefined : groups[argv[0]];
  if (group !== undefined) return (await group())(argv.slice(1));
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      workspace: { type: 'string' },
      name: { type: 'string' },
      country: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [noun, verb, ...rest] = positionals;
  if (values.help || noun === undefined || noun === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  const { adminCommands } = await import('./admin-commands.ts');
  const command = adminCommands[`${noun} ${verb ?? ''}`.trim()];
  if (command === undefined) throw new CliError(`unknown command: ${positionals.join(' ')}\n\n${usage}`);
  await command(rest, values);
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ApiProblem) {
      console.error(`kurir: ${formatProblem(error.problem)}`);
      process.exit(1);
    }
    if (error instanceof ApiUnreachable) {
      console.error(`kurir: ${error.message}`);
      process.exit(1);
    }
    if (error instanceof CliError || (error instanceof TypeError && 'code' in error)) {
      console.error(`kurir: ${error.message}`);
      process.exit(2);
    }
    console.error('kurir:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
