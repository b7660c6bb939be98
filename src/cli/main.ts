import { parseArgs } from 'node:util';
import { adminCommands } from './admin-commands.ts';
import { CliError } from './cli-error.ts';
import { simulatorCommand } from './simulator-command.ts';

const usage = `kurir — WhatsApp campaigns, self-hosted

Usage: kurir <command> [options]

Workspaces and keys (run on the server: they open its database directly)
  workspace list                          list workspaces
  workspace create <name> [--country DE]  create a workspace and its first API key
  keys list [--workspace <id>]            list API keys (prefix, name, last use)
  keys create [--name <name>] [--workspace <id>]
                                          create an API key; its secret is printed once
  keys revoke <key id> [--workspace <id>] revoke an API key

Simulator
  simulator [--port 7080] [--no-dedup] …  run a simulated WhatsApp network (see simulator --help)

The database is chosen as the server chooses it: DATABASE_URL, or DATA_DIR/kurir.db.
Without --workspace, commands act on the first (default) workspace.
`;

async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'simulator') return simulatorCommand(argv.slice(1));
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
  const [group, verb, ...rest] = positionals;
  if (values.help || group === undefined || group === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  const command = adminCommands[`${group} ${verb ?? ''}`.trim()];
  if (command === undefined) throw new CliError(`unknown command: ${positionals.join(' ')}\n\n${usage}`);
  await command(rest, values);
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError || (error instanceof TypeError && 'code' in error)) {
      console.error(`kurir: ${error.message}`);
      process.exit(2);
    }
    console.error('kurir:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
