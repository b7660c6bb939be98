import { DateTime } from 'luxon';

/** The part of a campaign (as the API returns it) that progress output shows. */
export interface ProgressView {
  status: string;
  pauseReason?: string | null;
  counts: {
    total: number;
    sent: number;
    delivered: number;
    read: number;
    failed: number;
    skipped: number;
    cancelled: number;
  };
  /** Set while the campaign is outside its window: when it opens (ISO 8601). */
  windowOpensAt?: string | null;
  window?: { timezone: string } | null;
  progress: {
    percent: number;
    /** Null in a campaign's first 30 seconds, when a rate would be noise. */
    observedPerMinute: number | null;
    plannedPerMinute: number | null;
    etaSeconds: number | null;
  };
}

const finished = new Set(['completed', 'stopped', 'failed']);

/** Whether a campaign status is final: nothing more will be sent. */
export function isFinished(status: string): boolean {
  return finished.has(status);
}

/** `[#####...............]` for 25 % at width 20; clamped to 0–100. */
export function progressBar(percent: number, width = 20): string {
  const share = Math.min(100, Math.max(0, Number.isFinite(percent) ? percent : 0)) / 100;
  const full = Math.floor(share * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

/** `45s`, `3m 05s`, `2h 10m`, `3d 4h`: two units at most, enough for an estimate. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${two(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** Messages per minute, observed when anything settled lately, else the pacing's plan (`~`). */
function rate(p: ProgressView['progress']): string | null {
  if (p.observedPerMinute !== null && p.observedPerMinute > 0) return `${p.observedPerMinute.toFixed(1)}/min`;
  if (p.plannedPerMinute !== null) return `~${p.plannedPerMinute.toFixed(1)}/min`;
  return null;
}

function statusText(c: ProgressView): string {
  const status = c.status === 'paused' && c.pauseReason ? `paused (${c.pauseReason})` : c.status;
  const waiting = c.status === 'running' ? waitingText(c) : null;
  return waiting === null ? status : `${status}, ${waiting}`;
}

/**
 * `waiting for window, opens at 2026-03-30 09:00 Europe/Berlin` while the campaign is
 * outside its window (in the window's own wall clock, as its hours are set), else null.
 */
export function waitingText(c: Pick<ProgressView, 'windowOpensAt' | 'window'>): string | null {
  if (!c.windowOpensAt) return null;
  const zone = c.window?.timezone ?? 'UTC';
  const at = DateTime.fromISO(c.windowOpensAt, { zone });
  return `waiting for window, opens at ${at.isValid ? `${at.toFormat('yyyy-MM-dd HH:mm')} ${zone}` : c.windowOpensAt}`;
}

/** Cancelled messages only exist once a campaign is stopped; a line without them stays short. */
function cancelledText(counts: ProgressView['counts']): string[] {
  return counts.cancelled > 0 ? [`${counts.cancelled} cancelled`] : [];
}

/**
 * One line of progress, e.g.
 * `[#####...............]  25.0%  3/12 sent  2 delivered  1 read  0 failed  0 skipped  6.0/min  ETA 1m 30s  running`
 */
export function progressLine(c: ProgressView, barWidth = 20): string {
  const { counts, progress } = c;
  const parts = [
    progressBar(progress.percent, barWidth),
    `${progress.percent.toFixed(1).padStart(5)}%`,
    `${counts.sent}/${counts.total} sent`,
    `${counts.delivered} delivered`,
    `${counts.read} read`,
    `${counts.failed} failed`,
    `${counts.skipped} skipped`,
    ...cancelledText(counts),
  ];
  if (!isFinished(c.status)) {
    const r = rate(progress);
    if (r !== null) parts.push(r);
    parts.push(`ETA ${progress.etaSeconds === null ? '-' : formatDuration(progress.etaSeconds)}`);
  }
  parts.push(statusText(c));
  return parts.join('  ');
}

/** The closing line of `campaign watch`: the final status and counts. */
export function finalSummary(id: string, c: ProgressView): string {
  const { counts } = c;
  return (
    `Campaign ${id} ${c.status}: ${counts.sent} of ${counts.total} sent, ${counts.delivered} delivered, ` +
    `${counts.read} read, ${counts.failed} failed, ${counts.skipped} skipped` +
    cancelledText(counts)
      .map((text) => `, ${text}`)
      .join('')
  );
}

/** Cuts a line to a terminal's width so a `\r` redraw stays on one row. */
export function fitWidth(line: string, columns: number | undefined): string {
  if (columns === undefined || columns <= 1 || line.length < columns) return line;
  return `${line.slice(0, columns - 2)}…`;
}
