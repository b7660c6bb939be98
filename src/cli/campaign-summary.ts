import { formatDuration, type ProgressView, progressBar, waitingText } from './progress-bar.ts';

/** A campaign as `GET /v1/campaigns/{id}` returns it: the fields the CLI shows. */
export interface CampaignJson extends ProgressView {
  id: string;
  name: string;
  templateId: string | null;
  audience: {
    tags?: string[];
    status?: string[];
    fields?: Record<string, string>;
    contactIds?: string[];
    importId?: string;
  };
  senderIds: string[];
  pacing: {
    preset: string;
    minSeconds?: number;
    maxSeconds?: number;
    batch?: { every: number; minSeconds: number; maxSeconds: number };
    typing?: boolean | object;
  };
  startAt: string | null;
  window: { days: number[]; from: string; to: string; timezone: string } | null;
  error: string | null;
  counts: ProgressView['counts'] & { queued: number; sending: number };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const presetText: Record<string, string> = {
  very_short: 'very_short (1–4 s)',
  short: 'short (4–10 s)',
  medium: 'medium (20–50 s)',
  long: 'long (60–120 s)',
  very_long: 'very_long (120–300 s)',
};

function audienceText(a: CampaignJson['audience']): string {
  const parts: string[] = [];
  if (a.tags?.length) parts.push(`tagged ${a.tags.join(' or ')}`);
  if (a.status?.length) parts.push(`status ${a.status.join(' or ')}`);
  for (const [key, value] of Object.entries(a.fields ?? {})) parts.push(`${key}=${value}`);
  if (a.contactIds?.length) parts.push(`${a.contactIds.length} chosen contact(s)`);
  if (a.importId) parts.push(`the contacts of CSV import ${a.importId}`);
  return parts.length === 0 ? 'every contact' : parts.join(', ');
}

function pacingText(p: CampaignJson['pacing']): string {
  const parts = [
    p.preset === 'manual'
      ? `manual (${p.minSeconds ?? 0}–${p.maxSeconds ?? p.minSeconds ?? 0} s)`
      : (presetText[p.preset] ?? p.preset),
  ];
  if (p.batch) parts.push(`pause ${p.batch.minSeconds}–${p.batch.maxSeconds} s every ${p.batch.every}`);
  if (p.typing) parts.push('typing');
  return parts.join(', ');
}

const dayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function windowText(w: CampaignJson['window']): string {
  if (w === null) return 'any time';
  const days = w.days.length === 7 ? 'daily' : w.days.map((d) => dayNames[d - 1] ?? d).join(',');
  return `${days} ${w.from}–${w.to} ${w.timezone}`;
}

/** One line after `campaign create`: what was made, in a sentence. */
export function campaignSummary(c: CampaignJson): string {
  const senders = c.senderIds.length === 1 ? '1 sender' : `${c.senderIds.length} senders`;
  const start = c.startAt === null ? '' : `, starts ${c.startAt}`;
  return (
    `"${c.name}" (${c.status}): template ${c.templateId ?? '-'}, ${senders}, ${audienceText(c.audience)}, ` +
    `pacing ${pacingText(c.pacing)}, window ${windowText(c.window)}${start}`
  );
}

/** `campaign show`: everything a person asks about a campaign, label by label. */
export function campaignDetails(c: CampaignJson): string {
  const { counts, progress } = c;
  const rows: [string, string][] = [
    ['status', c.status === 'paused' && c.pauseReason ? `paused (${c.pauseReason})` : c.status],
    ['template', c.templateId ?? '-'],
    ['senders', c.senderIds.join(', ')],
    ['audience', audienceText(c.audience)],
    ['pacing', pacingText(c.pacing)],
  ];
  const waiting = waitingText(c);
  rows.push(['window', waiting === null ? windowText(c.window) : `${windowText(c.window)}; ${waiting}`]);
  if (c.startAt !== null) rows.push(['start at', c.startAt]);
  rows.push(
    ['progress', `${progressBar(progress.percent)} ${progress.percent.toFixed(1)}%`],
    [
      'counts',
      `${counts.total} total: ${counts.sent} sent (${counts.delivered} delivered, ${counts.read} read), ` +
        `${counts.failed} failed, ${counts.skipped} skipped, ${counts.cancelled} cancelled, ` +
        `${counts.queued} queued, ${counts.sending} sending`,
    ],
    [
      'rate',
      [
        progress.observedPerMinute === null
          ? 'not observed yet'
          : `${progress.observedPerMinute.toFixed(1)}/min observed`,
        progress.plannedPerMinute === null ? null : `${progress.plannedPerMinute.toFixed(1)}/min planned`,
      ]
        .filter((x) => x !== null)
        .join(', '),
    ],
    ['ETA', progress.etaSeconds === null ? '-' : formatDuration(progress.etaSeconds)],
    ['created', c.createdAt],
  );
  if (c.startedAt !== null) rows.push(['started', c.startedAt]);
  if (c.finishedAt !== null) rows.push(['finished', c.finishedAt]);
  if (c.error !== null) rows.push(['error', c.error]);
  return `Campaign ${c.id}  ${c.name}\n${rows.map(([k, v]) => `  ${k.padEnd(9)} ${v}`).join('\n')}\n`;
}
