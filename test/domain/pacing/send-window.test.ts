import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  finishInWindow,
  isInWindow,
  nextInWindow,
  openStretch,
  type SendWindow,
} from '../../../src/domain/pacing/send-window.ts';

const weekdays = [1, 2, 3, 4, 5];
const local = (zone: string, iso: string) => DateTime.fromISO(iso, { zone }).toMillis();
const show = (zone: string, ms: number | null) =>
  ms === null ? null : DateTime.fromMillis(ms, { zone }).toISO();

test('inside the window the instant itself is allowed; before it, the opening', () => {
  const w: SendWindow = { days: weekdays, from: '09:00', to: '17:00', timezone: 'Europe/Berlin' };
  const monday10 = local(w.timezone, '2026-03-02T10:00');
  assert.equal(nextInWindow(w, monday10), monday10);
  assert.equal(
    show(w.timezone, nextInWindow(w, local(w.timezone, '2026-03-02T07:30'))),
    '2026-03-02T09:00:00.000+01:00',
  );
  assert.equal(
    show(w.timezone, nextInWindow(w, local(w.timezone, '2026-03-06T17:00'))),
    '2026-03-09T09:00:00.000+01:00',
    'Friday at closing time waits for Monday',
  );
});

const dstDays: [string, string, string][] = [
  ['Europe/Berlin', '2026-03-29', '+02:00'], // spring forward: 02:00 → 03:00
  ['Europe/Berlin', '2026-10-25', '+01:00'], // fall back: 03:00 → 02:00
  ['America/New_York', '2026-03-08', '-04:00'],
  ['America/New_York', '2026-11-01', '-05:00'],
];

for (const [zone, day, offset] of dstDays) {
  test(`on the DST change day ${day} in ${zone} the window keeps its wall-clock hours`, () => {
    const w: SendWindow = { days: [1, 2, 3, 4, 5, 6, 7], from: '09:00', to: '17:00', timezone: zone };
    const opens = nextInWindow(w, local(zone, `${day}T00:30`));
    assert.equal(show(zone, opens), `${day}T09:00:00.000${offset}`);
    // Walk the whole day minute by minute: allowed exactly from 09:00 to 16:59 local.
    const start = local(zone, `${day}T00:00`);
    const end = DateTime.fromMillis(start, { zone }).plus({ days: 1 }).toMillis();
    for (let t = start; t < end; t += 60_000) {
      const hour = DateTime.fromMillis(t, { zone }).hour;
      assert.equal(isInWindow(w, t), hour >= 9 && hour < 17, show(zone, t) ?? '');
    }
  });

  test(`a window across the DST jump at night in ${zone} on ${day} never sends outside it`, () => {
    // From the first moment local clocks read 01:30 (or the first valid instant after it,
    // when 01:30 does not exist) until they read 03:30. On a fall-back day the clocks show
    // 01:xx twice; the second pass lies inside the open window.
    const w: SendWindow = { days: [1, 2, 3, 4, 5, 6, 7], from: '01:30', to: '03:30', timezone: zone };
    const start = local(zone, `${day}T00:00`);
    const opens = start + 90 * 60_000; // both zones change clocks at 02:00 or later
    const closes = local(zone, `${day}T03:30`);
    for (let t = start; t < start + 6 * 3_600_000; t += 5 * 60_000) {
      const next = nextInWindow(w, t);
      assert.ok(next !== null);
      if (t < closes) assert.ok(next >= opens && next < closes, `${show(zone, t)} → ${show(zone, next)}`);
      else assert.ok(next >= opens + 86_400_000 - 3_600_000, 'the next day');
    }
  });
}

test('a half-hour zone (Asia/Kolkata) opens at its own local time', () => {
  const w: SendWindow = { days: weekdays, from: '10:00', to: '18:30', timezone: 'Asia/Kolkata' };
  const utcMorning = Date.UTC(2026, 2, 2, 3, 0); // 08:30 in Kolkata
  assert.equal(new Date(nextInWindow(w, utcMorning) ?? 0).toISOString(), '2026-03-02T04:30:00.000Z');
  assert.equal(isInWindow(w, Date.UTC(2026, 2, 2, 12, 59)), true, '18:29 local');
  assert.equal(isInWindow(w, Date.UTC(2026, 2, 2, 13, 0)), false, '18:30 local');
});

test('an overnight window runs past midnight and belongs to the day it opens', () => {
  const w: SendWindow = { days: [5], from: '22:00', to: '02:00', timezone: 'UTC' };
  assert.equal(isInWindow(w, Date.UTC(2026, 2, 6, 23, 0)), true, 'Friday 23:00');
  assert.equal(isInWindow(w, Date.UTC(2026, 2, 7, 1, 59)), true, 'Saturday 01:59, still Friday night');
  assert.equal(isInWindow(w, Date.UTC(2026, 2, 7, 22, 30)), false, 'Saturday night is not a window');
});

test('a window with no days never opens', () => {
  assert.equal(nextInWindow({ days: [], from: '09:00', to: '17:00', timezone: 'UTC' }, 0), null);
});

test('property: the answer is never earlier than asked, is inside the window, and nothing inside was skipped', () => {
  const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe'];
  fc.assert(
    fc.property(
      fc.constantFrom(...zones),
      fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
      (zone, days, fromHour, fromQuarter, hours, at) => {
        const from = `${String(fromHour).padStart(2, '0')}:${String(fromQuarter * 15).padStart(2, '0')}`;
        const toHour = (fromHour + hours) % 24;
        const to = `${String(toHour).padStart(2, '0')}:${String(fromQuarter * 15).padStart(2, '0')}`;
        const w: SendWindow = { days, from, to, timezone: zone };
        const next = nextInWindow(w, at);
        assert.ok(next !== null);
        assert.ok(next >= at);
        assert.equal(isInWindow(w, next), true);
        // No allowed instant between `at` and `next` (checked every 15 minutes).
        for (let t = at; t < next; t += 15 * 60_000) assert.equal(isInWindow(w, t), false);
      },
    ),
    { numRuns: 300 },
  );
});

const hourMs = 3_600_000;
const officeHours: SendWindow = { days: weekdays, from: '09:00', to: '17:00', timezone: 'Europe/Berlin' };

test('work finishes inside the window: at once when it fits, else carried over to the next opening', () => {
  const monday10 = local(officeHours.timezone, '2026-03-02T10:00');
  assert.equal(finishInWindow(officeHours, monday10, 30 * 60_000), monday10 + 30 * 60_000);
  assert.equal(
    show(
      officeHours.timezone,
      finishInWindow(officeHours, local(officeHours.timezone, '2026-03-02T16:00'), 2 * hourMs),
    ),
    '2026-03-03T10:00:00.000+01:00',
    'one hour on Monday, the other on Tuesday',
  );
  assert.deepEqual(openStretch(officeHours, monday10), {
    start: monday10,
    end: local(officeHours.timezone, '2026-03-02T17:00'),
  });
});

test('the wait for a window across a weekend with a DST change counts the hour the clocks skip', () => {
  // Friday 18:00 CET; the clocks go forward on Sunday, so Monday 09:00 CEST is 62 hours
  // later, not the 63 the wall clock shows. One hour of work ends on Monday at 10:00
  // local, 08:00 UTC.
  const friday18 = local(officeHours.timezone, '2026-03-27T18:00');
  const done = finishInWindow(officeHours, friday18, hourMs);
  assert.equal(new Date(done ?? 0).toISOString(), '2026-03-30T08:00:00.000Z');
  assert.equal((done ?? 0) - friday18, 63 * hourMs);
  assert.equal(
    show(officeHours.timezone, finishInWindow(officeHours, friday18, 9 * hourMs)),
    '2026-03-31T10:00:00.000+02:00',
  );
});

test('work of many weeks skips the weeks between, an hour off at most for the DST changes skipped', () => {
  const utc: SendWindow = { ...officeHours, timezone: 'UTC' };
  const monday9 = Date.UTC(2026, 2, 2, 9);
  // 20 weeks of 40 hours and 3 more hours: the 21st Monday, 12:00.
  const done = finishInWindow(utc, monday9, (20 * 40 + 3) * hourMs);
  assert.equal(new Date(done ?? 0).toISOString(), '2026-07-20T12:00:00.000Z');
  // Berlin moves to summer time in between: 12:00 local is 10:00 UTC, estimated within the hour.
  const berlin = finishInWindow(
    officeHours,
    local(officeHours.timezone, '2026-03-02T09:00'),
    (20 * 40 + 3) * hourMs,
  );
  const exact = local(officeHours.timezone, '2026-07-20T12:00');
  assert.ok(berlin !== null && Math.abs(berlin - exact) <= hourMs, show(officeHours.timezone, berlin) ?? '');
  assert.equal(finishInWindow({ ...utc, days: [] }, monday9, hourMs), null, 'a window that never opens');
});

test('property: finished work lies in the window or at its close, and took at least the work itself', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 1, max: 23 }),
      fc.integer({ min: 1, max: 40 * hourMs }),
      fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
      (days, fromHour, hours, workMs, at) => {
        const hh = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
        const w: SendWindow = {
          days,
          from: hh(fromHour),
          to: hh(fromHour + hours),
          timezone: 'Europe/Berlin',
        };
        const done = finishInWindow(w, at, workMs);
        assert.ok(done !== null && done >= at + workMs);
        assert.ok(isInWindow(w, done) || isInWindow(w, done - 1), 'in the window, or the instant it closes');
      },
    ),
    { numRuns: 200 },
  );
});
