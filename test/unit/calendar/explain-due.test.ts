import { describe, expect, it } from 'vitest';
import { addWorkingMinutes } from '../../../shared/calendar/add-working-minutes.ts';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { explainDue } from '../../../shared/calendar/explain-due.ts';
import { fmt, sh } from './shanghai-time.ts';

const calendar = compileCalendar(defaultCalendarConfig);

function explain(start: string, minutes: number) {
  const { due, periods } = explainDue(calendar, sh(start), minutes);
  return { due: fmt(due), periods: periods.map((p) => `${fmt(p.from)} → ${fmt(p.to)} (${p.minutes})`) };
}

describe('explainDue', () => {
  it('lists the counted periods: Fri 13 Feb 2026 10:00 + 24 h across the make-up Saturday and the holiday', () => {
    // 2 + 5 (Fri) + 3 + 5 (make-up Sat 14) + 3 + 5 (Tue 24) + 1 (Wed 25) = 24 h → Wed 25 10:00
    expect(explain('2026-02-13 10:00', 24 * 60)).toEqual({
      due: '2026-02-25 10:00',
      periods: [
        '2026-02-13 10:00 → 2026-02-13 12:00 (120)',
        '2026-02-13 13:00 → 2026-02-13 18:00 (300)',
        '2026-02-14 09:00 → 2026-02-14 12:00 (180)',
        '2026-02-14 13:00 → 2026-02-14 18:00 (300)',
        '2026-02-24 09:00 → 2026-02-24 12:00 (180)',
        '2026-02-24 13:00 → 2026-02-24 18:00 (300)',
        '2026-02-25 09:00 → 2026-02-25 10:00 (60)',
      ],
    });
  });

  it('ends on a period end when the due time lands there: Fri 17:00 + 1 h', () => {
    expect(explain('2026-03-06 17:00', 60)).toEqual({
      due: '2026-03-06 18:00',
      periods: ['2026-03-06 17:00 → 2026-03-06 18:00 (60)'],
    });
  });

  it('counts from the next working start: Sat 10:00 + 30 min', () => {
    expect(explain('2026-03-07 10:00', 30)).toEqual({
      due: '2026-03-09 09:30',
      periods: ['2026-03-09 09:00 → 2026-03-09 09:30 (30)'],
    });
  });

  it('has no periods for 0 minutes; due is the next working start', () => {
    expect(explain('2026-03-07 10:00', 0)).toEqual({ due: '2026-03-09 09:00', periods: [] });
  });

  it('agrees with addWorkingMinutes and sums to the requested minutes', () => {
    for (const [start, minutes] of [
      ['2026-02-13 11:17:20', 1000],
      ['2026-09-18 16:00', 16 * 60],
      ['2026-12-31 17:45', 90],
    ] as const) {
      const { due, periods } = explainDue(calendar, sh(start), minutes);
      expect(due).toEqual(addWorkingMinutes(calendar, sh(start), minutes));
      expect(periods.reduce((sum, p) => sum + p.minutes, 0)).toBeCloseTo(minutes, 9);
    }
  });
});
