import { describe, expect, it } from 'vitest';
import { addWorkingMinutes } from '../../../shared/calendar/add-working-minutes.ts';
import {
  type CalendarConfig,
  calendarConfigSchema,
  defaultCalendarConfig,
} from '../../../shared/calendar/calendar-config.ts';
import { CalendarInputError } from '../../../shared/calendar/calendar-input-error.ts';
import type { CalendarOverride } from '../../../shared/calendar/calendar-overrides.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { isWorkingTime } from '../../../shared/calendar/is-working-time.ts';
import { workingMinutesBetween } from '../../../shared/calendar/working-minutes-between.ts';
import { fmt, sh } from './shanghai-time.ts';

const overrides: CalendarOverride[] = [
  { date: '2026-03-06', kind: 'day-off', name: '公司年会' }, // Fri
  { date: '2026-03-14', kind: 'working-day', name: '版本发布' }, // Sat, make-up hours
  { date: '2026-03-11', kind: 'hours', periods: [{ from: '09:00', to: '12:00' }] }, // Wed half day
  { date: '2026-02-16', kind: 'working-day', periods: [{ from: '10:00', to: '16:00' }] }, // on a 春节 holiday
  { date: '2026-02-28', kind: 'day-off' }, // on a make-up Saturday
];
const calendar = compileCalendar(defaultCalendarConfig, undefined, overrides);

describe('admin overrides', () => {
  it.each([
    // Company day off Fri 6 Mar: Thu 5 17:00 + 2 h = Thu 18:00 (1) + Fri off + weekend + Mon 9 09:00–10:00
    ['2026-03-05 17:00', 120, '2026-03-09 10:00'],
    // Extra working Sat 14 Mar: Fri 13 17:00 + 2 h = Fri 18:00 (1) + Sat 14 09:00–10:00
    ['2026-03-13 17:00', 120, '2026-03-14 10:00'],
    // Half day Wed 11 Mar: Wed 11:00 + 2 h = 11:00–12:00 (1) + Thu 12 09:00–10:00
    ['2026-03-11 11:00', 120, '2026-03-12 10:00'],
    // Working day with own hours on a holiday, Mon 16 Feb 10:00–16:00: Mon 09:00 → 10:00 + 1 h = 11:00
    ['2026-02-16 09:00', 60, '2026-02-16 11:00'],
    // ... and its end: Mon 16 Feb 15:30 + 1 h = 15:30–16:00 (30) + 17–23 Feb holiday + Tue 24 09:00–09:30
    ['2026-02-16 15:30', 60, '2026-02-24 09:30'],
    // Day off on the make-up Sat 28 Feb: Fri 27 17:00 + 2 h = Fri 18:00 (1) + Mon 2 Mar 09:00–10:00
    ['2026-02-27 17:00', 120, '2026-03-02 10:00'],
  ])('%s + %i min = %s', (start, minutes, due) => {
    expect(fmt(addWorkingMinutes(calendar, sh(start), minutes))).toBe(due);
  });

  it('changes working minutes and working time accordingly', () => {
    // Week of 2 Mar with Fri off: 4 × 480
    expect(workingMinutesBetween(calendar, sh('2026-03-02 00:00'), sh('2026-03-09 00:00'))).toBe(4 * 480);
    expect(isWorkingTime(calendar, sh('2026-03-11 13:30'))).toBe(false); // half day
    expect(isWorkingTime(calendar, sh('2026-03-14 13:30'))).toBe(true); // extra Saturday keeps lunch-split hours
  });

  it('rejects two overrides for one date and invalid periods, listing each problem', () => {
    const bad = [
      { date: '2026-03-06', kind: 'day-off' },
      { date: '2026-03-06', kind: 'hours', periods: [{ from: '14:00', to: '10:00' }] },
      { date: '2026-03-07', kind: 'hours', periods: [] },
    ] as unknown as CalendarOverride[];
    const error = catchError(() => compileCalendar(defaultCalendarConfig, undefined, bad));
    expect(error).toBeInstanceOf(CalendarInputError);
    expect((error as CalendarInputError).details).toEqual([
      '[1].periods[0].to: "from" must be before "to"',
      '[2].periods: give at least one period (use "day-off" for no work)',
      '[1].date: 2026-03-06 has more than one override',
    ]);
    const duplicate = catchError(() =>
      compileCalendar(defaultCalendarConfig, undefined, [
        { date: '2026-03-06', kind: 'day-off' },
        { date: '2026-03-06', kind: 'working-day' },
      ]),
    );
    expect((duplicate as CalendarInputError).details).toEqual([
      '[1].date: 2026-03-06 has more than one override',
    ]);
  });
});

describe('calendar config', () => {
  it('accepts the default 5 × 8 config', () => {
    expect(calendarConfigSchema.parse(defaultCalendarConfig)).toEqual(defaultCalendarConfig);
  });

  it('reports each problem with its path', () => {
    const result = calendarConfigSchema.safeParse({
      timeZone: 'America/New_York',
      weekly: {
        ...defaultCalendarConfig.weekly,
        mon: [
          { from: '09:00', to: '12:00' },
          { from: '11:00', to: '18:00' },
        ],
        tue: [{ from: '9:00', to: '18:00' }],
      },
      makeUpWorkdayPeriods: [],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'timeZone',
      'weekly.mon.1.from',
      'weekly.tue.0.from',
      'makeUpWorkdayPeriods',
    ]);
  });

  it('makes compileCalendar throw a CalendarInputError with readable details', () => {
    const error = catchError(() =>
      compileCalendar({
        ...defaultCalendarConfig,
        weekly: { ...defaultCalendarConfig.weekly, sat: [{ from: '25:00', to: '26:00' }] },
      }),
    );
    expect(error).toBeInstanceOf(CalendarInputError);
    expect((error as CalendarInputError).code).toBe('calendar.invalid_input');
    expect((error as CalendarInputError).details).toEqual([
      'weekly.sat[0].from: expected HH:MM between 00:00 and 24:00',
      'weekly.sat[0].to: expected HH:MM between 00:00 and 24:00',
    ]);
  });

  it('supports other weekly patterns: Saturday mornings, touching periods merged, 24:00 ends', () => {
    const config: CalendarConfig = {
      ...defaultCalendarConfig,
      weekly: {
        ...defaultCalendarConfig.weekly,
        fri: [
          { from: '09:00', to: '12:00' },
          { from: '12:00', to: '24:00' },
        ],
        sat: [{ from: '00:00', to: '12:00' }],
      },
    };
    const custom = compileCalendar(config, []);
    // Fri 11:00 + 60 min crosses the 12:00 seam without stopping: 12:00 is no break
    expect(fmt(addWorkingMinutes(custom, sh('2026-03-06 11:00'), 60))).toBe('2026-03-06 12:00');
    expect(isWorkingTime(custom, sh('2026-03-06 12:00'))).toBe(true);
    // Fri 23:00 + 2 h = Fri 23:00–24:00 (1) + Sat 00:00–01:00 = Sat 01:00 across midnight
    expect(fmt(addWorkingMinutes(custom, sh('2026-03-06 23:00'), 120))).toBe('2026-03-07 01:00');
    // Sat 11:00 + 2 h = Sat 11:00–12:00 (1) + Mon 09:00–10:00
    expect(fmt(addWorkingMinutes(custom, sh('2026-03-07 11:00'), 120))).toBe('2026-03-09 10:00');
  });

  it('gives up instead of looping when there is no working time at all', () => {
    const never = compileCalendar(
      {
        ...defaultCalendarConfig,
        weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      },
      [],
    );
    expect(() => addWorkingMinutes(never, sh('2026-03-02 10:00'), 1)).toThrow(/no working time within/);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
