import { describe, expect, it } from 'vitest';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { describeDay } from '../../../shared/calendar/describe-day.ts';
import { sh } from './shanghai-time.ts';

const standard = [
  { from: '09:00', to: '12:00' },
  { from: '13:00', to: '18:00' },
];
const calendar = compileCalendar(defaultCalendarConfig, undefined, [
  { date: '2026-03-06', kind: 'day-off', name: '公司年会' },
  { date: '2026-02-16', kind: 'working-day', name: '春节值班', periods: [{ from: '10:00', to: '16:00' }] },
]);

describe('describeDay', () => {
  it('describes a regular workday', () => {
    expect(describeDay(calendar, '2026-03-02')).toEqual({
      date: '2026-03-02',
      weekday: 1,
      kind: 'workday',
      working: true,
      name: undefined,
      statutory: undefined,
      periods: standard,
      workingMinutes: 480,
      covered: true,
    });
  });

  it('describes a weekend', () => {
    expect(describeDay(calendar, '2026-03-07')).toMatchObject({
      weekday: 6,
      kind: 'weekend',
      working: false,
      periods: [],
    });
  });

  it('describes a statutory holiday with its name', () => {
    expect(describeDay(calendar, '2026-02-17')).toMatchObject({
      weekday: 2,
      kind: 'holiday',
      name: '春节',
      statutory: { kind: 'holiday', name: '春节' },
      working: false,
      workingMinutes: 0,
    });
  });

  it('describes a make-up working Saturday with the make-up hours', () => {
    expect(describeDay(calendar, '2026-02-14')).toMatchObject({
      weekday: 6,
      kind: 'make-up-workday',
      name: '春节补班',
      working: true,
      periods: standard,
      workingMinutes: 480,
    });
  });

  it('describes overrides and keeps the statutory status underneath', () => {
    expect(describeDay(calendar, '2026-03-06')).toMatchObject({
      kind: 'company-day-off',
      name: '公司年会',
      working: false,
    });
    expect(describeDay(calendar, '2026-02-16')).toMatchObject({
      kind: 'extra-working-day',
      name: '春节值班',
      statutory: { kind: 'holiday', name: '春节' },
      periods: [{ from: '10:00', to: '16:00' }],
      workingMinutes: 360,
    });
  });

  it('accepts an instant and uses its Asia/Shanghai date', () => {
    // 2026-02-13T16:30Z is Sat 14 Feb 00:30 in Shanghai
    expect(describeDay(calendar, new Date('2026-02-13T16:30:00Z')).date).toBe('2026-02-14');
    expect(describeDay(calendar, sh('2026-10-01 23:59')).name).toBe('国庆节');
  });

  it('flags dates without statutory data', () => {
    expect(describeDay(calendar, '2027-02-08')).toMatchObject({ kind: 'workday', covered: false });
  });

  it('rejects a malformed date', () => {
    expect(() => describeDay(calendar, '2026-02-30')).toThrow(RangeError);
  });
});
