import { SystemClock } from '../system/system-clock.ts';
import { campaignCreateBody, campaignCreateOptions } from './campaign-create-options.ts';
import { type CampaignJson, campaignDetails, campaignSummary } from './campaign-summary.ts';
import { watchCampaign } from './campaign-watch.ts';
import { noPositionals, oneId, parseVerb, printedJson, runCommandGroup, type Verb } from './command-group.ts';
import { uploadCsv } from './contact-commands.ts';
import { finalSummary } from './progress-bar.ts';
import { textTable } from './text-table.ts';

export const campaignUsage = `kurir campaign — create, run and follow campaigns (calls the HTTP API)

Usage: kurir campaign <verb> [options]

  ls [--status running …]           campaigns, newest first: id, name, status, progress
  create --name <name> --template <id> --sender <id> [--sender <id> …]
         [--tag <tag> …] [--status <lead status> …] [--field key=value …] [--contact <id> …]
         [--pacing very_short|short|medium|long|very_long|manual] [--min <s> --max <s>]
         [--batch-every <n> --batch-min <s> --batch-max <s>] [--typing]
         [--window "mon-fri 09:00-17:00 Europe/Berlin"] [--start-at <ISO time>] [-q]
                                    a draft campaign; audience flags narrow (none: every contact);
                                    --min/--max imply --pacing manual; -q prints only the id
  start <id> [--start-at <ISO time>] start now, or schedule
  pause <id> | resume <id> | stop <id>
  clone <id> [-q]                   copy as a new draft
  audience <id> <file.csv> [--on-duplicate update|skip] [--tag <tag> …] [--mapping <json>]
                                    send a draft to exactly the contacts a CSV lists: imports
                                    its rows as contacts and prints the import's report
  show <id>                         status, counts, progress and ETA
  watch <id>                        live progress until completed, stopped or failed

Every verb takes --url <server> and --key <API key> (default: KURIR_URL, KURIR_API_KEY)
and --json to print the API's JSON instead.
`;

const list = 'kurir campaign ls';
const quietOption = { quiet: { type: 'boolean', short: 'q' } } as const;
const clock = () => new SystemClock();

async function ls(argv: string[]) {
  const { values, client } = parseVerb(argv, { status: { type: 'string', multiple: true } });
  const all = await client().all<CampaignJson>('/v1/campaigns', { status: values.status });
  if (printedJson(values, all)) return;
  if (all.length === 0) {
    process.stdout.write('no campaigns yet (kurir campaign create --help)\n');
    return;
  }
  process.stdout.write(
    textTable([
      ['ID', 'NAME', 'STATUS', 'PROGRESS', 'SENT/TOTAL'],
      ...all.map((c) => [
        c.id,
        c.name,
        c.status,
        `${c.progress.percent.toFixed(1)}%`,
        `${c.counts.sent}/${c.counts.total}`,
      ]),
    ]),
  );
}

async function create(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, campaignCreateOptions);
  noPositionals(positionals, 'campaign create');
  const body = campaignCreateBody(values);
  const c = await client().call<CampaignJson>('POST', '/v1/campaigns', body);
  if (printedJson(values, c)) return;
  if (values.quiet) {
    process.stdout.write(`${c.id}\n`);
    return;
  }
  process.stdout.write(`${c.id}\n${campaignSummary(c)}\nstart it: kurir campaign start ${c.id}\n`);
}

async function show(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, {});
  const id = oneId(positionals, 'campaign show', 'campaign', list);
  const c = await client().call<CampaignJson>('GET', `/v1/campaigns/${encodeURIComponent(id)}`);
  if (printedJson(values, c)) return;
  process.stdout.write(campaignDetails(c));
}

async function start(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, { 'start-at': { type: 'string' } });
  const id = oneId(positionals, 'campaign start', 'campaign', list);
  const at = values['start-at'];
  const c = await client().call<CampaignJson>(
    'POST',
    `/v1/campaigns/${encodeURIComponent(id)}/start`,
    at === undefined ? undefined : { startAt: at },
  );
  if (printedJson(values, c)) return;
  const when = c.status === 'scheduled' ? ` for ${c.startAt}` : '';
  process.stdout.write(`Campaign ${c.id} ${c.status}${when}\nfollow it: kurir campaign watch ${c.id}\n`);
}

/** pause, resume, stop and clone: a POST without a body, answered with the campaign. */
function lifecycle(verb: 'pause' | 'resume' | 'stop' | 'clone'): Verb {
  return async (argv) => {
    const { values, positionals, client } = parseVerb(argv, verb === 'clone' ? quietOption : {});
    const id = oneId(positionals, `campaign ${verb}`, 'campaign', list);
    const c = await client().call<CampaignJson>('POST', `/v1/campaigns/${encodeURIComponent(id)}/${verb}`);
    if (printedJson(values, c)) return;
    if (verb !== 'clone') process.stdout.write(`Campaign ${c.id} ${c.status}\n`);
    else if ('quiet' in values && values.quiet) process.stdout.write(`${c.id}\n`);
    else process.stdout.write(`${c.id}\nCampaign ${c.id} created (draft), a copy of ${id}\n`);
  };
}

async function watch(argv: string[]) {
  const { values, positionals, client } = parseVerb(argv, {});
  const id = oneId(positionals, 'campaign watch', 'campaign', list);
  // Ctrl-C leaves the redrawn line whole and the prompt below it.
  if (process.stdout.isTTY)
    process.once('SIGINT', () => {
      process.stdout.write('\n');
      process.exit(130);
    });
  const c = await watchCampaign(
    { client: client(), clock: clock(), out: process.stdout, err: process.stderr },
    id,
  );
  if (printedJson(values, c)) return;
  process.stdout.write(`${finalSummary(c.id, c)}\n`);
}

function audience(argv: string[]) {
  return uploadCsv(
    argv,
    'campaign audience',
    1,
    ([id]) => `/v1/campaigns/${encodeURIComponent(id ?? '')}/audience`,
  );
}

export function campaignCommand(argv: string[]): Promise<number> {
  return runCommandGroup(
    'campaign',
    campaignUsage,
    {
      ls,
      list: ls,
      create,
      show,
      start,
      pause: lifecycle('pause'),
      resume: lifecycle('resume'),
      stop: lifecycle('stop'),
      clone: lifecycle('clone'),
      audience,
      watch,
    },
    argv,
  );
}
