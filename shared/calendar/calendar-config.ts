import { z } from 'zod';
import { tryClockToMinutes } from './local-date.ts';

/**
 * Zones the calendar accepts, with their UTC offset in minutes.
 *
 * Mainland China has kept UTC+8 without daylight saving since 1991, so every instant this desk
 * handles maps to local time by a constant offset: exact, fast, and independent of the
 * runtime's ICU data and of the process TZ. A zone with DST needs a real conversion, so the
 * schema refuses it instead of computing wrong due times.
 */
export const fixedOffsetZones = { 'Asia/Shanghai': 480 } as const;
export type CalendarTimeZone = keyof typeof fixedOffsetZones;

export const weekdayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayKey = (typeof weekdayKeys)[number];

const clockSchema = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM between 00:00 and 24:00');

/** a < b (or a ≤ b when `orEqual`) for well-formed clocks; false when either is malformed (reported elsewhere). */
function isBefore(a: string, b: string, orEqual: boolean): boolean {
  const x = tryClockToMinutes(a);
  const y = tryClockToMinutes(b);
  return x !== undefined && y !== undefined && (orEqual ? x <= y : x < y);
}

/** One working period of a day in local clock time, half-open: [from, to). */
export const workingPeriodSchema = z
  .strictObject({ from: clockSchema, to: clockSchema })
  .refine((p) => !isBefore(p.to, p.from, true), {
    message: '"from" must be before "to"',
    path: ['to'],
  });
export type WorkingPeriod = z.infer<typeof workingPeriodSchema>;

/** A day's periods: ascending and not overlapping (touching periods are merged when compiled). */
export const workingPeriodsSchema = z
  .array(workingPeriodSchema)
  .max(24)
  .superRefine((periods, ctx) => {
    for (let i = 1; i < periods.length; i++) {
      const previous = periods[i - 1]!;
      const current = periods[i]!;
      if (isBefore(current.from, previous.to, false)) {
        ctx.addIssue({
          code: 'custom',
          message: `period ${current.from}–${current.to} starts before the previous one ends (${previous.to}); list periods in order without overlap`,
          path: [i, 'from'],
        });
      }
    }
  });

export const calendarConfigSchema = z.strictObject({
  timeZone: z.enum(Object.keys(fixedOffsetZones) as [CalendarTimeZone]),
  /** Regular working periods per weekday; an empty list is a day off (a weekend). */
  weekly: z.strictObject({
    mon: workingPeriodsSchema,
    tue: workingPeriodsSchema,
    wed: workingPeriodsSchema,
    thu: workingPeriodsSchema,
    fri: workingPeriodsSchema,
    sat: workingPeriodsSchema,
    sun: workingPeriodsSchema,
  }),
  /** Hours worked on a make-up working day (调休上班) and on an extra working day without own hours. */
  makeUpWorkdayPeriods: workingPeriodsSchema.min(1, 'a make-up working day needs at least one period'),
});
export type CalendarConfig = z.infer<typeof calendarConfigSchema>;

const standardDay: WorkingPeriod[] = [
  { from: '09:00', to: '12:00' },
  { from: '13:00', to: '18:00' },
];

/** The agreement's 5 × 8 calendar: Mon–Fri 09:00–12:00 and 13:00–18:00, Asia/Shanghai. */
export const defaultCalendarConfig: CalendarConfig = {
  timeZone: 'Asia/Shanghai',
  weekly: {
    mon: standardDay,
    tue: standardDay,
    wed: standardDay,
    thu: standardDay,
    fri: standardDay,
    sat: [],
    sun: [],
  },
  makeUpWorkdayPeriods: standardDay,
};
