import { parseArgs } from 'node:util';
import { launchedByNpm } from '../config.ts';
import { isE164 } from '../domain/phone.ts';
import type { MsRange } from '../drivers/simulator/network-settings.ts';
import type { ReplyRule } from '../drivers/simulator/reply-rules.ts';
import { SimulatorNetwork, type SimulatorNetworkOptions } from '../drivers/simulator/simulator-network.ts';
import { createSimulatorServer } from '../drivers/simulator/simulator-server.ts';
import { createLogger } from '../system/logger.ts';
import { awaitStopRequest } from '../system/stop-request.ts';
import { SystemClock } from '../system/system-clock.ts';
import { SystemRandom } from '../system/system-random.ts';
import { CliError } from './cli-error.ts';

export const simulatorUsage = `kurir simulator — a WhatsApp network in a box, for demos, dry runs and tests

Usage: kurir simulator [options]

  --port <n>                  port to listen on (default 7080; 0 picks a free one)
  --host <host>               address to listen on (default 127.0.0.1)
  --auto-pair                 senders pair as soon as a driver connects (no phone needed)
  --no-dedup                  a repeated message id reaches the recipient again
  --latency <ms|min-max>      added to every send's answer
  --failure-rate <0..1>       share of sends refused as retryable
  --unregistered-fraction <0..1>  share of numbers without WhatsApp (stable per number)
  --delivered-after <ms|min-max>  delay of delivery receipts (default 200-1500)
  --read-after <ms|min-max>   delay of read receipts after delivery (default 1000-8000)
  --no-read                   recipients never send read receipts
  --ban-after <n>/<ms>        ban a sender that gets more than n sends accepted within ms
  --reply <phone>=<text>      the recipient <phone> answers every message with <text>, e.g.
                              --reply '+5511987654321=STOP'; * for every recipient
                              (--reply '*=STOP'); repeatable, the first rule that fits answers
  --log-level <level>         default info

Prints "Simulator listening on http://…" once it accepts connections. SIGINT or SIGTERM stops
it: sends it is holding get their answers, event streams end, and it exits within seconds.
`;

/** The simulator holds nothing durable: closing takes milliseconds, so a stuck close is cut short. */
const STOP_GRACE_MS = 3000;

function range(flag: string, value: string | undefined): MsRange | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)(?:-(\d+))?$/.exec(value);
  if (match === null)
    throw new CliError(`--${flag} takes milliseconds or min-max, e.g. 10-50 (got ${value})`);
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (max < min) throw new CliError(`--${flag}: ${max} is less than ${min}`);
  return [min, max];
}

function fraction(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1))
    throw new CliError(`--${flag} takes a number from 0 to 1 (got ${value})`);
  return n;
}

function banThreshold(value: string | undefined) {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (match === null || Number(match[2]) === 0)
    throw new CliError(`--ban-after takes sends/milliseconds, e.g. 60/60000 (got ${value})`);
  return { maxSends: Number(match[1]), windowMs: Number(match[2]) };
}

function replyRule(value: string): ReplyRule {
  const at = value.indexOf('=');
  const who = value.slice(0, Math.max(at, 0)).trim();
  const reply = value.slice(at + 1);
  if (at < 0 || reply.trim() === '' || (who !== '*' && !isE164(who)))
    throw new CliError(`--reply takes <phone>=<text> or *=<text>, e.g. '+5511987654321=STOP' (got ${value})`);
  return who === '*' ? { reply } : { recipients: [who], reply };
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowNegative: true,
    options: {
      port: { type: 'string', default: '7080' },
      host: { type: 'string', default: '127.0.0.1' },
      'auto-pair': { type: 'boolean', default: false },
      dedup: { type: 'boolean', default: true },
      read: { type: 'boolean', default: true },
      latency: { type: 'string' },
      'failure-rate': { type: 'string' },
      'unregistered-fraction': { type: 'string' },
      'delivered-after': { type: 'string' },
      'read-after': { type: 'string' },
      'ban-after': { type: 'string' },
      reply: { type: 'string', multiple: true },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new CliError(`--port: ${values.port} is not a port`);
  const delivered = range('delivered-after', values['delivered-after']);
  const read = range('read-after', values['read-after']);
  const latency = range('latency', values.latency);
  const failureRate = fraction('failure-rate', values['failure-rate']);
  const ban = banThreshold(values['ban-after']);
  const unregistered = fraction('unregistered-fraction', values['unregistered-fraction']);
  const replies = (values.reply ?? []).map(replyRule);
  const options: SimulatorNetworkOptions = {
    dedup: values.dedup,
    autoPair: values['auto-pair'],
    receipts: {
      ...(delivered === undefined ? {} : { deliveredAfterMs: delivered }),
      ...(values.read ? (read === undefined ? {} : { readAfterMs: read }) : { readAfterMs: null }),
    },
    faults: {
      ...(latency === undefined ? {} : { latencyMs: latency }),
      ...(failureRate === undefined ? {} : { failureRate }),
      ...(ban === undefined ? {} : { banThreshold: ban }),
    },
    ...(unregistered === undefined ? {} : { unregisteredFraction: unregistered }),
    replies,
  };
  return { help: values.help === true, port, host: values.host, logLevel: values['log-level'], options };
}

/** `kurir simulator`: serves a simulated network until asked to stop; resolves with the exit code. */
export async function simulatorCommand(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args.help) {
    process.stdout.write(simulatorUsage);
    return 0;
  }
  const clock = new SystemClock();
  const log = createLogger({ level: args.logLevel, format: 'auto' });
  const network = new SimulatorNetwork({ clock, random: new SystemRandom(), log }, args.options);
  const app = await createSimulatorServer({ network, clock, log });
  await app.listen({ port: args.port, host: args.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : args.port;
  const shownHost = args.host === '0.0.0.0' || args.host === '::' ? 'localhost' : args.host;
  const dedup = args.options.dedup ? 'on' : 'off';
  // Straight to stdout, not the logger: tests and people read this line to find the port.
  process.stdout.write(`Simulator listening on http://${shownHost}:${port} (dedup ${dedup})\n`);

  const reason = await awaitStopRequest({
    process,
    clock,
    log,
    graceMs: STOP_GRACE_MS,
    followLauncher: launchedByNpm(),
  });
  // The network first: it answers the sends it holds (a latency fault) and ends the event
  // streams, so drivers get their answers; then the server closes every connection.
  await network.close();
  await app.close();
  log.info({ reason }, 'simulator stopped');
  return 0;
}
