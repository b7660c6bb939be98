import { DateTime } from 'luxon';

/** When a campaign may send: ISO weekdays (1 = Monday) and local hours in an IANA zone. */
export interface SendWindow {
  days: number[];
  /** Local start, `HH:MM`. */
  from: string;
  /** Local end, `HH:MM`; earlier than `from` means the window runs past midnight. */
  to: string;
  timezone: string;
}

function hm(text: string): { hour: number; minute: number } {
  const [h, m] = text.split(':').map(Number);
  return { hour: h ?? 0, minute: m ?? 0 };
}

/** An `HH:MM` time as minutes after midnight. */
export function minutesOfDay(text: string): number {
  const { hour, minute } = hm(text);
  return hour * 60 + minute;
}

export function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}

/**
 * The first instant at or after `at` inside the window, or null when the window has no
 * days. Local times are resolved in the zone for each calendar day, so a window keeps its
 * wall-clock hours across DST changes; a start that falls in a spring-forward gap moves to
 * the first valid instant after it.
 */
export function nextInWindow(window: SendWindow, at: number): number | null {
  return openStretch(window, at)?.start ?? null;
}

/**
 * The stretch of open time that holds `at`, or the next one: from `start` (`at` itself when
 * the window is open) until `end`, when it closes. Null when the window has no days.
 */
export function openStretch(window: SendWindow, at: number): { start: number; end: number } | null {
  if (window.days.length === 0) return null;
  const from = hm(window.from);
  const to = hm(window.to);
  const overnight = minutesOfDay(window.to) <= minutesOfDay(window.from);
  const local = DateTime.fromMillis(at, { zone: window.timezone });
  // Start one day back: an overnight window opened yesterday may still be open.
  for (let d = -1; d <= 8; d++) {
    const day = local.startOf('day').plus({ days: d });
    if (!window.days.includes(day.weekday)) continue;
    const start = day.set({ ...from, second: 0, millisecond: 0 });
    const endDay = overnight ? day.plus({ days: 1 }) : day;
    const end = endDay.set({ ...to, second: 0, millisecond: 0 });
    const startMs = start.toMillis();
    const endMs = end.toMillis();
    if (endMs <= startMs) continue;
    if (at < endMs) return { start: Math.max(at, startMs), end: endMs };
  }
  return null;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * When `workMs` of sending that starts at `at` is done, if it only runs while the window is
 * open: the waits until each opening count, and each day's stretch is in its own local hours
 * (so a DST change moves it by the hour it should). Null when the window never opens.
 *
 * Work that takes more than a week skips the whole weeks between the first and the last at
 * the first week's open time, walking stretch by stretch only those two: resolving local
 * days in a zone is slow (~0.5 ms a stretch), an ETA is worked out on every read of a
 * campaign, and an estimate weeks ahead may well be an hour off for a DST change it skips.
 */
export function finishInWindow(window: SendWindow, at: number, workMs: number): number | null {
  const weekEnd = at + WEEK_MS;
  let weekOpen = 0;
  for (let t = at; t < weekEnd; ) {
    const stretch = openStretch(window, t);
    if (stretch === null) return null;
    if (stretch.start >= weekEnd) break;
    const end = Math.min(stretch.end, weekEnd);
    if (workMs - weekOpen <= end - stretch.start) return stretch.start + (workMs - weekOpen);
    weekOpen += end - stretch.start;
    t = end;
  }
  // More than a week of work (and a window that opens every week): skip to the last week.
  const weeks = Math.ceil(workMs / weekOpen) - 1;
  let left = workMs - weeks * weekOpen;
  for (let t = at + weeks * WEEK_MS; ; ) {
    const stretch = openStretch(window, t);
    if (stretch === null) return null;
    if (left <= stretch.end - stretch.start) return stretch.start + left;
    left -= stretch.end - stretch.start;
    t = stretch.end;
  }
}

export function isInWindow(window: SendWindow, at: number): boolean {
  return nextInWindow(window, at) === at;
}
