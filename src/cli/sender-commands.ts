import { CliError } from './cli-error.ts';
import { noPositionals, oneId, parseVerb, printedJson, runCommandGroup, type Verb } from './command-group.ts';
import { textTable } from './text-table.ts';

export const senderUsage = `kurir sender — the WhatsApp numbers campaigns send from (calls the HTTP API)

Usage: kurir sender <verb> [options]

  ls                                senders: id, name, driver, phone, status
  add --name <name> --phone <+E.164> [--simulator-url <url>] [--auto-pair] [-q]
                                    a sender on the simulator: the built-in one, or a separate
                                    \`kurir simulator\` at --simulator-url (--url is always the
                                    Kurir server); --auto-pair pairs without a QR code
  pause <id> | resume <id>          stop using a sender until resumed; use it again
  logout <id>                       unlink it from its phone

Every verb takes --url <server> and --key <API key> (default: KURIR_URL, KURIR_API_KEY)
and --json to print the API's JSON instead.
`;

/** A sender as the API returns it: the fields the CLI shows. */
interface SenderJson {
  id: string;
  name: string;
  driver: string;
  config: { phone?: unknown };
  phone: string | null;
  status: string;
  statusReason: string | null;
}

const list = 'kurir sender ls';
const statusOf = (s: SenderJson) => (s.statusReason ? `${s.status} (${s.statusReason})` : s.status);
const phoneOf = (s: SenderJson) => s.phone ?? (typeof s.config.phone === 'string' ? s.config.phone : '-');

async function ls(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, {});
  noPositionals(positionals, 'sender ls');
  const { data } = await client().call<{ data: SenderJson[] }>('GET', '/v1/senders');
  if (printedJson(values, data)) return;
  if (data.length === 0) {
    process.stdout.write('no senders yet (kurir sender add --help)\n');
    return;
  }
  process.stdout.write(
    textTable([
      ['ID', 'NAME', 'DRIVER', 'PHONE', 'STATUS'],
      ...data.map((s) => [s.id, s.name, s.driver, phoneOf(s), statusOf(s)]),
    ]),
  );
}

async function add(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, {
    name: { type: 'string' },
    phone: { type: 'string' },
    'simulator-url': { type: 'string' },
    'auto-pair': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  noPositionals(positionals, 'sender add');
  if (values.name === undefined) throw new CliError('sender add needs --name');
  if (values.phone === undefined) throw new CliError('sender add needs --phone, e.g. +15550100002');
  const config = {
    phone: values.phone,
    ...(values['simulator-url'] === undefined ? {} : { url: values['simulator-url'] }),
    ...(values['auto-pair'] ? { autoPair: true } : {}),
  };
  const s = await client().call<SenderJson>('POST', '/v1/senders', {
    name: values.name,
    driver: 'simulator',
    config,
  });
  if (printedJson(values, s)) return;
  process.stdout.write(
    values.quiet ? `${s.id}\n` : `${s.id}\nSender "${s.name}" (${phoneOf(s)}) ${statusOf(s)}\n`,
  );
}

/** pause, resume and logout: a POST without a body, answered with the sender. */
function action(verb: 'pause' | 'resume' | 'logout'): Verb {
  return async (argv) => {
    const { values, positionals, client } = parseVerb(argv, {});
    const id = oneId(positionals, `sender ${verb}`, 'sender', list);
    const s = await client().call<SenderJson>('POST', `/v1/senders/${encodeURIComponent(id)}/${verb}`);
    if (printedJson(values, s)) return;
    process.stdout.write(`Sender ${s.id} ${statusOf(s)}\n`);
  };
}

export function senderCommand(argv: string[]): Promise<number> {
  return runCommandGroup(
    'sender',
    senderUsage,
    { ls, list: ls, add, pause: action('pause'), resume: action('resume'), logout: action('logout') },
    argv,
  );
}
