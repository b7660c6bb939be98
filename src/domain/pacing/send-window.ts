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
    if (at < endMs) return Math.max(at, startMs);
  }
  return null;
}

export function isInWindow(window: SendWindow, at: number): boolean {
  return nextInWindow(window, at) === at;
}
