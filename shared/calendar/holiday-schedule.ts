import { z } from 'zod';
import { formatIssues } from './format-issues.ts';
import { dayNumberToIsoDate, isoDateToDayNumber, tryIsoDateToDayNumber } from './local-date.ts';

// One year's official schedule (国务院办公厅关于 YYYY 年部分节假日安排的通知), as documented in README.md.
// The built-in data and admin imports share this format, so both go through the same checks.

/** Longest plausible holiday block; anything longer is almost certainly a typo in a date. */
const MAX_HOLIDAY_DAYS = 31;

const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

const isoDate = z.iso.date('expected a real date as YYYY-MM-DD');
const name = z.string().trim().min(1, 'name is required').max(40);

export const holidayRangeSchema = z.strictObject({ name, from: isoDate, to: isoDate });
export const makeUpWorkdaySchema = z.strictObject({ date: isoDate, name });

export const holidayScheduleSchema = z
  .strictObject({
    year: z.int().min(FIRST_YEAR).max(LAST_YEAR),
    /** Title of the notice the data comes from, for traceability. */
    source: z.string().trim().min(1, 'source is required (e.g. the notice title)'),
    holidays: z.array(holidayRangeSchema),
    workdays: z.array(makeUpWorkdaySchema),
  })
  .superRefine((schedule, ctx) => {
    // A notice may start 元旦 in the last days of the previous December (the 2023 notice: from
    // 2022-12-31; the 2019 one: make-up day 2018-12-29), so those days belong to the new year's file.
    const { year } = schedule;
    if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) return; // reported by the year schema
    const first = isoDateToDayNumber(`${year - 1}-12-25`);
    const last = isoDateToDayNumber(`${year}-12-31`);
    const outside = (day: number) => day < first || day > last;
    const range = `${dayNumberToIsoDate(first)} … ${dayNumberToIsoDate(last)}`;
    const holidayOf = new Map<number, string>();

    schedule.holidays.forEach((holiday, i) => {
      const from = tryIsoDateToDayNumber(holiday.from);
      const to = tryIsoDateToDayNumber(holiday.to);
      if (from === undefined || to === undefined) return; // the date format issue is already reported
      if (outside(from)) {
        ctx.addIssue({
          code: 'custom',
          message: `${holiday.from} is outside ${year} (${range})`,
          path: ['holidays', i, 'from'],
        });
      }
      if (outside(to)) {
        ctx.addIssue({
          code: 'custom',
          message: `${holiday.to} is outside ${year} (${range})`,
          path: ['holidays', i, 'to'],
        });
      }
      if (to < from) {
        ctx.addIssue({
          code: 'custom',
          message: `"to" ${holiday.to} is before "from" ${holiday.from}`,
          path: ['holidays', i, 'to'],
        });
        return;
      }
      if (to - from + 1 > MAX_HOLIDAY_DAYS) {
        ctx.addIssue({
          code: 'custom',
          message: `${holiday.name} lasts ${to - from + 1} days; at most ${MAX_HOLIDAY_DAYS} expected`,
          path: ['holidays', i, 'to'],
        });
        return;
      }
      for (let day = from; day <= to; day++) {
        const other = holidayOf.get(day);
        if (other !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `${dayNumberToIsoDate(day)} is already in holiday ${other}`,
            path: ['holidays', i],
          });
          return;
        }
      }
      for (let day = from; day <= to; day++) holidayOf.set(day, holiday.name);
    });

    const workdays = new Set<number>();
    schedule.workdays.forEach((workday, i) => {
      const day = tryIsoDateToDayNumber(workday.date);
      if (day === undefined) return;
      const path = ['workdays', i, 'date'];
      if (outside(day)) {
        ctx.addIssue({
          code: 'custom',
          message: `${workday.date} is outside ${year} (${range})`,
          path,
        });
      }
      if (workdays.has(day)) {
        ctx.addIssue({ code: 'custom', message: `${workday.date} is listed twice`, path });
      }
      const holiday = holidayOf.get(day);
      if (holiday !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `${workday.date} is both a working day and a day of holiday ${holiday}`,
          path,
        });
      }
      workdays.add(day);
    });
  });

export type HolidaySchedule = z.infer<typeof holidayScheduleSchema>;

/** Statutory data for several years: at most one schedule per year. */
export const holidayDataSchema = z.array(holidayScheduleSchema).superRefine((schedules, ctx) => {
  const years = new Set<number>();
  schedules.forEach((schedule, i) => {
    if (years.has(schedule.year)) {
      ctx.addIssue({ code: 'custom', message: `year ${schedule.year} appears twice`, path: [i, 'year'] });
    }
    years.add(schedule.year);
  });
});
export type HolidayData = readonly HolidaySchedule[];

export type ParseHolidayScheduleResult =
  | { readonly ok: true; readonly schedule: HolidaySchedule }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Validates an imported schedule: the parsed JSON value, or the JSON text of an uploaded file.
 * Errors are one line each, "path: message", e.g. `holidays[0].to: "to" 2027-01-01 is before "from" 2027-01-03`.
 */
export function parseHolidaySchedule(json: unknown): ParseHolidayScheduleResult {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      return {
        ok: false,
        errors: [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`],
      };
    }
  }
  const result = holidayScheduleSchema.safeParse(value);
  if (result.success) return { ok: true, schedule: result.data };
  return { ok: false, errors: formatIssues(result.error.issues) };
}
