import QRCode from 'qrcode';
import { SystemClock } from '../system/system-clock.ts';
import { CliError } from './cli-error.ts';
import { noPositionals, oneId, parseVerb, printedJson, runCommandGroup, type Verb } from './command-group.ts';
import { textTable } from './text-table.ts';

export const senderUsage = `kurir sender — the WhatsApp numbers campaigns send from (calls the HTTP API)

Usage: kurir sender <verb> [options]

  ls                                senders: id, name, driver, phone, status, health
  add --name <name> --phone <+E.164> [--simulator-url <url>] [--auto-pair] [-q]
                                    a sender on the simulator: the built-in one, or a separate
                                    \`kurir simulator\` at --simulator-url (--url is always the
                                    Kurir server); --auto-pair pairs without a QR code
  add --name <name> --driver baileys [--phone <+E.164>]
                                    a WhatsApp Web number; then \`kurir sender qr <id>\`
  add --name <name> --driver cloud-api --phone-number-id <id> --access-token <t>
      --app-secret <s> --verify-token <t> [--graph-url <url>]
                                    an official Cloud API number; point Meta's webhook at
                                    <server>/webhooks/cloud-api/<id>
  qr <id> [--wait]                  the QR code to scan, drawn in the terminal (--wait: until
                                    it is connected, redrawing when the code changes)
  pairing-code <id> --phone <+E.164>
                                    pair by typing a code on the phone instead of scanning
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
  health?: number;
  webhookPath?: string | null;
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
      ['ID', 'NAME', 'DRIVER', 'PHONE', 'STATUS', 'HEALTH'],
      ...data.map((s) => [s.id, s.name, s.driver, phoneOf(s), statusOf(s), String(s.health ?? '-')]),
    ]),
  );
}

async function add(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, {
    name: { type: 'string' },
    phone: { type: 'string' },
    'simulator-url': { type: 'string' },
    'auto-pair': { type: 'boolean' },
    driver: { type: 'string' },
    'phone-number-id': { type: 'string' },
    'access-token': { type: 'string' },
    'app-secret': { type: 'string' },
    'verify-token': { type: 'string' },
    'graph-url': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  noPositionals(positionals, 'sender add');
  if (values.name === undefined) throw new CliError('sender add needs --name');
  const driver = values.driver ?? 'simulator';
  let config: Record<string, unknown>;
  if (driver === 'simulator') {
    if (values.phone === undefined) throw new CliError('sender add needs --phone, e.g. +15550100002');
    config = {
      phone: values.phone,
      ...(values['simulator-url'] === undefined ? {} : { url: values['simulator-url'] }),
      ...(values['auto-pair'] ? { autoPair: true } : {}),
    };
  } else if (driver === 'baileys') {
    config = values.phone === undefined ? {} : { phone: values.phone };
  } else if (driver === 'cloud-api') {
    const need = ['phone-number-id', 'access-token', 'app-secret', 'verify-token'] as const;
    const missing = need.filter((k) => values[k] === undefined);
    if (missing.length > 0)
      throw new CliError(`a cloud-api sender needs ${missing.map((k) => `--${k}`).join(', ')}`);
    config = {
      phoneNumberId: values['phone-number-id'],
      accessToken: values['access-token'],
      appSecret: values['app-secret'],
      verifyToken: values['verify-token'],
      ...(values['graph-url'] === undefined ? {} : { baseUrl: values['graph-url'] }),
    };
  } else {
    throw new CliError(`--driver must be simulator, baileys or cloud-api, not ${driver}`);
  }
  const s = await client().call<SenderJson>('POST', '/v1/senders', { name: values.name, driver, config });
  if (printedJson(values, s)) return;
  if (values.quiet) {
    process.stdout.write(`${s.id}\n`);
    return;
  }
  process.stdout.write(`${s.id}\nSender "${s.name}" (${phoneOf(s)}) ${statusOf(s)}\n`);
  if (driver === 'baileys') process.stdout.write(`Pair it: kurir sender qr ${s.id} --wait\n`);
  if (s.webhookPath) process.stdout.write(`Webhook for Meta: <this server>${s.webhookPath}\n`);
}

interface QrJson {
  status: string;
  qr: string | null;
  pairingCode: string | null;
}

/** Draws the pairing QR code in the terminal; with --wait, until the sender is connected. */
async function qr(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, { wait: { type: 'boolean' } });
  const id = oneId(positionals, 'sender qr', 'sender', list);
  const api = client();
  const clock = new SystemClock();
  let shown: string | null = null;
  for (;;) {
    const q = await api.call<QrJson>('GET', `/v1/senders/${encodeURIComponent(id)}/qr`);
    if (printedJson(values, q)) return;
    if (q.qr !== null && q.qr !== shown) {
      shown = q.qr;
      process.stdout.write(`${await QRCode.toString(q.qr, { type: 'terminal', small: true })}\n`);
      process.stdout.write('Scan it in WhatsApp: Settings › Linked devices › Link a device\n');
    }
    if (!values.wait || q.status === 'connected') {
      if (q.qr === null) process.stdout.write(`No QR code to scan: the sender is ${q.status}\n`);
      if (q.status === 'connected' && values.wait) process.stdout.write('Connected.\n');
      return;
    }
    await new Promise<void>((resolve) => clock.timer(clock.now() + 2000, resolve));
  }
}

async function pairingCode(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, { phone: { type: 'string' } });
  const id = oneId(positionals, 'sender pairing-code', 'sender', list);
  if (values.phone === undefined)
    throw new CliError('sender pairing-code needs --phone, the number being linked');
  const r = await client().call<{ code: string }>(
    'POST',
    `/v1/senders/${encodeURIComponent(id)}/pairing-code`,
    {
      phone: values.phone,
    },
  );
  if (printedJson(values, r)) return;
  process.stdout.write(
    `${r.code}\nType it on the phone: Settings › Linked devices › Link a device › Link with phone number\n`,
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
    {
      ls,
      list: ls,
      add,
      qr,
      'pairing-code': pairingCode,
      pause: action('pause'),
      resume: action('resume'),
      logout: action('logout'),
    },
    argv,
  );
}
