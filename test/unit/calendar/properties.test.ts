import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkingMinutes, nextWorkingStart } from '../../../shared/calendar/add-working-minutes.ts';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { chinaHolidayData } from '../../../shared/calendar/china-holiday-data.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { explainDue } from '../../../shared/calendar/explain-due.ts';
import { isWorkingTime } from '../../../shared/calendar/is-working-time.ts';
import { workingMinutesBetween } from '../../../shared/calendar/working-minutes-between.ts';

const calendar = compileCalendar(defaultCalendarConfig);
const MINUTE = 60_000;
const FROM = Date.parse('2024-01-01T00:00:00+08:00');
const TO = Date.parse('2026-12-20T00:00:00+08:00'); // leaves room for due times inside the covered data

// Random instants in 2024–2026 with millisecond resolution, and minute-aligned ones.
const anyInstant = fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms));
const minuteInstant = fc.integer({ min: FROM / MINUTE, max: TO / MINUTE }).map((m) => new Date(m * MINUTE));
const workingMinutes = fc.integer({ min: 0, max: 24 * 60 * 3 });

describe('properties over random instants in 2024–2026', () => {
  it('workingMinutesBetween is the inverse of addWorkingMinutes', () => {
    fc.assert(
      fc.property(anyInstant, workingMinutes, (start, minutes) => {
        expect(workingMinutesBetween(calendar, start, addWorkingMinutes(calendar, start, minutes))).toBe(
          minutes,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('addWorkingMinutes(start, workingMinutesBetween(start, t)) is t when t is working time, else the last period end before t', () => {
    fc.assert(
      fc.property(anyInstant, anyInstant, (a, b) => {
        const [start, end] = a < b ? [a, b] : [b, a];
        const due = addWorkingMinutes(calendar, start, workingMinutesBetween(calendar, start, end));
        if (end > start && isWorkingTime(calendar, end)) expect(due).toEqual(end);
        else expect(workingMinutesBetween(calendar, due, end)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('adding in two steps equals adding at once (for a positive second step)', () => {
    fc.assert(
      fc.property(anyInstant, workingMinutes, fc.integer({ min: 1, max: 2000 }), (start, a, b) => {
        const twoSteps = addWorkingMinutes(calendar, addWorkingMinutes(calendar, start, a), b);
        expect(twoSteps).toEqual(addWorkingMinutes(calendar, start, a + b));
      }),
      { numRuns: 1000 },
    );
  });

  it('due times are monotonic, never before the next working start, and explainDue agrees', () => {
    fc.assert(
      fc.property(anyInstant, workingMinutes, workingMinutes, (start, m1, m2) => {
        const [small, large] = m1 <= m2 ? [m1, m2] : [m2, m1];
        const dueSmall = addWorkingMinutes(calendar, start, small);
        expect(dueSmall.getTime()).toBeLessThanOrEqual(addWorkingMinutes(calendar, start, large).getTime());
        expect(dueSmall.getTime()).toBeGreaterThanOrEqual(nextWorkingStart(calendar, start).getTime());
        const { due, periods } = explainDue(calendar, start, large);
        expect(due).toEqual(addWorkingMinutes(calendar, start, large));
        expect(periods.reduce((sum, p) => sum + (p.to.getTime() - p.from.getTime()), 0)).toBe(large * MINUTE);
        for (const p of periods) expect(isWorkingTime(calendar, p.from)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('matches a minute-by-minute oracle built straight from the data', () => {
    // The oracle knows nothing of the compiled calendar: it walks one minute at a time and asks
    // "is this minute worked?" from the raw schedules and the 5 × 8 rule.
    const holidays = new Set<string>();
    const workdays = new Set<string>();
    for (const schedule of chinaHolidayData) {
      for (const h of schedule.holidays) {
        for (let d = Date.parse(h.from); d <= Date.parse(h.to); d += 86_400_000) {
          holidays.add(new Date(d).toISOString().slice(0, 10));
        }
      }
      for (const w of schedule.workdays) workdays.add(w.date);
    }
    const worked = (ms: number) => {
      const local = new Date(ms + 8 * 3_600_000); // Asia/Shanghai wall clock in UTC fields
      const date = local.toISOString().slice(0, 10);
      const weekday = local.getUTCDay();
      const working = workdays.has(date) || (weekday >= 1 && weekday <= 5 && !holidays.has(date));
      const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
      return working && ((minute >= 540 && minute < 720) || (minute >= 780 && minute < 1080));
    };
    // 0 minutes = the first worked minute; otherwise the end of the last counted minute.
    const oracleDue = (start: number, minutes: number) => {
      let t = start;
      while (!worked(t)) t += MINUTE;
      if (minutes === 0) return t;
      let counted = 0;
      for (; ; t += MINUTE) if (worked(t) && ++counted === minutes) return t + MINUTE;
    };
    fc.assert(
      fc.property(minuteInstant, fc.integer({ min: 0, max: 24 * 60 }), (start, minutes) => {
        expect(addWorkingMinutes(calendar, start, minutes).getTime()).toBe(
          oracleDue(start.getTime(), minutes),
        );
      }),
      { numRuns: 300 },
    );
  });
});
