import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkingMinutes } from '../../../shared/calendar/add-working-minutes.ts';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { chinaHolidayData } from '../../../shared/calendar/china-holiday-data.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { describeDay } from '../../../shared/calendar/describe-day.ts';
import { type HolidaySchedule, parseHolidaySchedule } from '../../../shared/calendar/holiday-schedule.ts';
import { mergeSchedule } from '../../../shared/calendar/merge-schedule.ts';
import { fmt, sh } from './shanghai-time.ts';

// A made-up 2027 schedule in the documented import format (README.md); not the official one.
const schedule2027 = {
  year: 2027,
  source: '国务院办公厅关于2027年部分节假日安排的通知',
  holidays: [
    { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
    { name: '春节', from: '2027-02-06', to: '2027-02-13' },
  ],
  workdays: [{ date: '2027-02-14', name: '春节调休' }],
};

function errorsOf(json: unknown): readonly string[] {
  const result = parseHolidaySchedule(json);
  return result.ok ? [] : result.errors;
}

describe('parseHolidaySchedule', () => {
  it('accepts a valid schedule, as a value or as JSON text', () => {
    expect(parseHolidaySchedule(schedule2027)).toEqual({ ok: true, schedule: schedule2027 });
    expect(parseHolidaySchedule(JSON.stringify(schedule2027))).toEqual({ ok: true, schedule: schedule2027 });
  });

  it('accepts 元旦 starting in the previous December, as the 2023 notice did (2022-12-31)', () => {
    const schedule2023 = {
      year: 2023,
      source: '国务院办公厅关于2023年部分节假日安排的通知',
      holidays: [{ name: '元旦', from: '2022-12-31', to: '2023-01-02' }],
      workdays: [],
    };
    expect(parseHolidaySchedule(schedule2023).ok).toBe(true);
  });

  it.each<[string, unknown, string[]]>([
    ['text that is not JSON', '{ "year": 2027,', ['not valid JSON: '.concat(jsonError('{ "year": 2027,'))]],
    [
      'a missing field',
      { ...schedule2027, source: undefined },
      ['source: Invalid input: expected string, received undefined'],
    ],
    ['a misspelt key', { ...schedule2027, workday: [] }, ['Unrecognized key: "workday"']],
    [
      'from after to',
      { ...schedule2027, holidays: [{ name: '元旦', from: '2027-01-03', to: '2027-01-01' }] },
      ['holidays[0].to: "to" 2027-01-01 is before "from" 2027-01-03'],
    ],
    [
      'a date outside the year',
      { ...schedule2027, workdays: [{ date: '2028-01-02', name: '元旦调休' }] },
      ['workdays[0].date: 2028-01-02 is outside 2027 (2026-12-25 … 2027-12-31)'],
    ],
    [
      'a date too early in the previous year',
      { ...schedule2027, holidays: [{ name: '元旦', from: '2026-12-20', to: '2027-01-01' }] },
      ['holidays[0].from: 2026-12-20 is outside 2027 (2026-12-25 … 2027-12-31)'],
    ],
    [
      'an impossible date',
      { ...schedule2027, workdays: [{ date: '2027-02-30', name: '春节调休' }] },
      ['workdays[0].date: expected a real date as YYYY-MM-DD'],
    ],
    [
      'a date both holiday and workday',
      { ...schedule2027, workdays: [{ date: '2027-02-07', name: '春节调休' }] },
      ['workdays[0].date: 2027-02-07 is both a working day and a day of holiday 春节'],
    ],
    [
      'a workday listed twice',
      {
        ...schedule2027,
        workdays: [
          { date: '2027-02-14', name: '春节调休' },
          { date: '2027-02-14', name: '春节调休' },
        ],
      },
      ['workdays[1].date: 2027-02-14 is listed twice'],
    ],
    [
      'overlapping holidays',
      {
        ...schedule2027,
        holidays: [
          { name: '春节', from: '2027-02-06', to: '2027-02-13' },
          { name: '元宵', from: '2027-02-13', to: '2027-02-14' },
        ],
      },
      ['holidays[1]: 2027-02-13 is already in holiday 春节'],
    ],
    [
      'an implausibly long holiday (typo)',
      { ...schedule2027, holidays: [{ name: '国庆节', from: '2027-10-01', to: '2027-12-07' }] },
      ['holidays[0].to: 国庆节 lasts 68 days; at most 31 expected'],
    ],
    [
      'an empty name and a fractional year',
      { ...schedule2027, year: 2027.5, holidays: [{ name: ' ', from: '2027-01-01', to: '2027-01-01' }] },
      ['year: Invalid input: expected int, received number', 'holidays[0].name: name is required'],
    ],
  ])('rejects %s with a readable error', (_case, json, errors) => {
    expect(errorsOf(json)).toEqual(errors);
  });

  it('never throws, whatever it is given', () => {
    const dateLike = fc.oneof(
      fc.constantFrom('2027-01-01', '2026-12-31', '2027-02-30', 'x', ''),
      fc.string(),
    );
    const scheduleLike = fc.record(
      {
        year: fc.oneof(fc.integer({ min: 1990, max: 2110 }), fc.double(), fc.string()),
        source: fc.string(),
        holidays: fc.oneof(
          fc.array(fc.record({ name: fc.string(), from: dateLike, to: dateLike })),
          fc.anything(),
        ),
        workdays: fc.oneof(fc.array(fc.record({ date: dateLike, name: fc.string() })), fc.anything()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string(), scheduleLike), (json) => {
        const result = parseHolidaySchedule(json);
        expect(result.ok || result.errors.length > 0).toBe(true);
      }),
    );
  });
});

describe('mergeSchedule', () => {
  const parsed = parseHolidaySchedule(schedule2027);
  if (!parsed.ok) throw new Error('fixture must be valid');

  it('adds a new year after the others', () => {
    const merged = mergeSchedule(chinaHolidayData, parsed.schedule);
    expect(merged.map((s) => s.year)).toEqual([2024, 2025, 2026, 2027]);
    expect(chinaHolidayData.map((s) => s.year)).toEqual([2024, 2025, 2026]); // input untouched
    const calendar = compileCalendar(defaultCalendarConfig, merged);
    // Fri 5 Feb 2027 17:00 + 2 h = Fri 18:00 (1) + 6–13 Feb holiday + make-up Sun 14 09:00–10:00
    expect(fmt(addWorkingMinutes(calendar, sh('2027-02-05 17:00'), 120))).toBe('2027-02-14 10:00');
  });

  it('replaces the data of the same year', () => {
    // 2026 re-imported without the make-up Saturday 14 Feb and without 国庆节
    const revised2026: HolidaySchedule = {
      year: 2026,
      source: 'corrected notice',
      holidays: [{ name: '春节', from: '2026-02-15', to: '2026-02-23' }],
      workdays: [],
    };
    const merged = mergeSchedule(chinaHolidayData, revised2026);
    expect(merged.map((s) => s.source)).toEqual([
      '国务院办公厅关于2024年部分节假日安排的通知',
      '国务院办公厅关于2025年部分节假日安排的通知',
      'corrected notice',
    ]);
    const calendar = compileCalendar(defaultCalendarConfig, merged);
    expect(describeDay(calendar, '2026-02-14').kind).toBe('weekend');
    expect(describeDay(calendar, '2026-10-01').kind).toBe('workday');
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
