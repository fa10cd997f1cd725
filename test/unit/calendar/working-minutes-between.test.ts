import { describe, expect, it } from 'vitest';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { workingMinutesBetween } from '../../../shared/calendar/working-minutes-between.ts';
import { sh } from './shanghai-time.ts';

const calendar = compileCalendar(defaultCalendarConfig);

describe('workingMinutesBetween', () => {
  it.each([
    ['2026-03-02 09:00', '2026-03-02 10:00', 60], // Mon 09:00–10:00
    ['2026-03-02 11:30', '2026-03-02 13:30', 60], // 11:30–12:00 (30) + lunch (0) + 13:00–13:30 (30)
    ['2026-03-02 12:00', '2026-03-02 13:00', 0], // the lunch break itself
    ['2026-03-02 09:00', '2026-03-02 18:00', 480], // a full day
    ['2026-03-02 00:00', '2026-03-03 00:00', 480], // midnight to midnight
    ['2026-03-06 17:00', '2026-03-09 10:00', 120], // Fri 17:00–18:00 (60) + weekend (0) + Mon 09:00–10:00 (60)
    ['2026-03-07 00:00', '2026-03-09 00:00', 0], // a weekend
    ['2026-03-02 09:00', '2026-03-09 09:00', 2400], // one week = 5 × 480
    ['2026-03-02 10:15:30', '2026-03-02 11:15:30', 60], // seconds are kept
    ['2026-03-02 10:00', '2026-03-02 10:00:30', 0.5], // fractional minutes below one minute
    ['2026-03-02 10:00', '2026-03-02 10:00', 0], // to = from
    ['2026-03-02 11:00', '2026-03-02 10:00', 0], // to < from
    // Spring Festival 2026: Fri 13 (480) + make-up Sat 14 (480) + 15–23 Feb (0) = 960 by Tue 24 09:00
    ['2026-02-13 09:00', '2026-02-24 09:00', 960],
    // Whole February 2026: 20 weekdays − 6 holiday weekdays (16–20, 23) + 2 make-up Saturdays = 16 days × 480
    ['2026-02-01 00:00', '2026-03-01 00:00', 16 * 480],
    // National Day: Wed 30 Sep 14:00–18:00 (240) + 1–7 Oct (0) + Thu 8 (480) + Fri 9 09:00–12:00, 13:00–14:00 (240)
    ['2026-09-30 14:00', '2026-10-09 14:00', 240 + 480 + 240],
    // Whole year 2026: 261 weekdays − 19 holiday weekdays + 6 make-up days = 248 working days
    ['2026-01-01 00:00', '2027-01-01 00:00', 248 * 480],
  ])('%s → %s = %d min', (from, to, minutes) => {
    expect(workingMinutesBetween(calendar, sh(from), sh(to))).toBe(minutes);
  });

  it('throws RangeError on an invalid Date', () => {
    expect(() => workingMinutesBetween(calendar, new Date(Number.NaN), sh('2026-03-02 10:00'))).toThrow(
      RangeError,
    );
  });
});
