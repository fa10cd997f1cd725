import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { chinaHolidayData } from '../../../shared/calendar/china-holiday-data.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { describeDay } from '../../../shared/calendar/describe-day.ts';
import { holidayDataSchema } from '../../../shared/calendar/holiday-schedule.ts';
import {
  holidayDates,
  scheduleFromHolidayCalendar,
} from '../../../shared/calendar/schedule-from-holiday-calendar.ts';

const require = createRequire(import.meta.url);
const readJson = (specifier: string): unknown => JSON.parse(readFileSync(require.resolve(specifier), 'utf8'));
const calendar = compileCalendar(defaultCalendarConfig);
const years = [2024, 2025, 2026];

function yearData(year: number) {
  const schedule = chinaHolidayData.find((s) => s.year === year);
  if (!schedule) throw new Error(`no data for ${year}`);
  return schedule;
}

describe('built-in statutory data (chinaHolidayData)', () => {
  it('covers 2024–2026 and passes the import validation', () => {
    expect(chinaHolidayData.map((s) => s.year)).toEqual(years);
    expect(holidayDataSchema.safeParse(chinaHolidayData).success).toBe(true);
  });

  it('2026 Spring Festival: 15–23 Feb (9 days), make-up Saturdays 14 and 28 Feb', () => {
    expect(yearData(2026).holidays).toContainEqual({ name: '春节', from: '2026-02-15', to: '2026-02-23' });
    expect(holidayDates(yearData(2026)).filter((d) => d.startsWith('2026-02'))).toHaveLength(9);
    for (const date of ['2026-02-14', '2026-02-28']) {
      expect(describeDay(calendar, date)).toMatchObject({
        kind: 'make-up-workday',
        name: '春节补班',
        weekday: 6,
      });
    }
  });

  it('2026 National Day: 1–7 Oct; make-up days Sun 20 Sep and Sat 10 Oct; Mid-Autumn separately 25–27 Sep', () => {
    // The brief expected "National Day + Mid-Autumn 1–7 Oct, make-up Sat 20 Sep". The notice (and both
    // packages) say otherwise: in 2026 中秋 falls on 25 Sep and is its own 3-day holiday, 20 Sep is a
    // Sunday, and there is a second make-up day, Sat 10 Oct.
    expect(yearData(2026).holidays).toContainEqual({ name: '国庆节', from: '2026-10-01', to: '2026-10-07' });
    expect(yearData(2026).holidays).toContainEqual({ name: '中秋节', from: '2026-09-25', to: '2026-09-27' });
    expect(describeDay(calendar, '2026-09-20')).toMatchObject({
      kind: 'make-up-workday',
      name: '国庆节补班',
      weekday: 7,
    });
    expect(describeDay(calendar, '2026-10-10')).toMatchObject({
      kind: 'make-up-workday',
      name: '国庆节补班',
      weekday: 6,
    });
  });

  it('2025: 国庆节、中秋节 together 1–8 Oct, make-up Sun 28 Sep and Sat 11 Oct; 2024: 春节 10–17 Feb', () => {
    expect(yearData(2025).holidays).toContainEqual({
      name: '国庆节、中秋节',
      from: '2025-10-01',
      to: '2025-10-08',
    });
    expect(
      yearData(2025)
        .workdays.filter((w) => w.name === '国庆节补班')
        .map((w) => w.date),
    ).toEqual(['2025-09-28', '2025-10-11']);
    expect(yearData(2024).holidays).toContainEqual({ name: '春节', from: '2024-02-10', to: '2024-02-17' });
  });

  it('puts every make-up working day on a weekend', () => {
    for (const schedule of chinaHolidayData) {
      for (const workday of schedule.workdays) {
        expect([6, 7], workday.date).toContain(describeDay(calendar, workday.date).weekday);
      }
    }
  });

  it('matches the installed holiday-calendar package (regenerate china-holiday-data.ts when this fails)', () => {
    for (const year of years) {
      expect(scheduleFromHolidayCalendar(readJson(`holiday-calendar/data/CN/${year}.json`))).toEqual(
        yearData(year),
      );
    }
  });

  it('agrees date for date with the other source, chinese-days', () => {
    for (const year of years) {
      const other = readJson(`chinese-days/dist/years/${year}.json`) as {
        holidays: Record<string, string>;
        workdays: Record<string, string>;
      };
      expect(holidayDates(yearData(year)).sort()).toEqual(Object.keys(other.holidays).sort());
      expect(
        yearData(year)
          .workdays.map((w) => w.date)
          .sort(),
      ).toEqual(Object.keys(other.workdays).sort());
    }
  });
});
