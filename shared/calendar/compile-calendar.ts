import type { z } from 'zod';
import {
  type CalendarConfig,
  calendarConfigSchema,
  fixedOffsetZones,
  type WorkingPeriod,
  weekdayKeys,
} from './calendar-config.ts';
import { CalendarInputError } from './calendar-input-error.ts';
import { type CalendarOverride, calendarOverridesSchema } from './calendar-overrides.ts';
import { chinaHolidayData } from './china-holiday-data.ts';
import { formatIssues } from './format-issues.ts';
import { type HolidayData, holidayDataSchema } from './holiday-schedule.ts';
import {
  clockToMinutes,
  dayNumberToIsoDate,
  isoDateToDayNumber,
  isoWeekday,
  MS_PER_DAY,
  MS_PER_MINUTE,
  minutesToClock,
} from './local-date.ts';

export type DayKind =
  | 'workday' // regular day of the weekly pattern
  | 'weekend' // no periods in the weekly pattern
  | 'holiday' // statutory holiday (法定节假日)
  | 'make-up-workday' // statutory make-up working day (调休上班)
  | 'company-day-off' // override
  | 'extra-working-day' // override
  | 'special-hours'; // override

/** Everything the operations need about one local date, computed once per date. */
export interface DayPlan {
  readonly date: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  readonly kind: DayKind;
  readonly name: string | undefined;
  /** The statutory status of the date, also when an override replaces it. */
  readonly statutory: { readonly kind: 'holiday' | 'make-up-workday'; readonly name: string } | undefined;
  /** Local periods, ascending, touching ones merged. */
  readonly periods: readonly WorkingPeriod[];
  /** The same periods as absolute instants: [start0, end0, start1, end1, …] in epoch ms, half-open. */
  readonly spans: readonly number[];
  readonly totalMs: number;
}

/**
 * A calendar compiled from config + statutory data + overrides. Treat it as immutable; the only
 * state is a memo of day plans keyed by day number (the same date always yields the same plan).
 */
export interface WorkingCalendar {
  readonly config: CalendarConfig;
  readonly data: HolidayData;
  readonly overrides: readonly CalendarOverride[];
  /** Offset of the calendar's zone from UTC, in ms (fixed: see fixedOffsetZones). */
  readonly offsetMs: number;
  /** Years for which statutory data is loaded, ascending. */
  readonly years: readonly number[];
  /** Day number (days since 1970-01-01) of the local date containing an instant. */
  dayOf(epochMs: number): number;
  dayPlan(day: number): DayPlan;
}

/**
 * Builds a calendar. Inputs are validated again here (cheap, once) so the operations can rely on
 * their invariants; problems throw a CalendarInputError listing each one.
 * Precedence for a date: override > statutory data > weekly pattern. When two notices name the
 * same date (a notice reaching back into December), the later year's notice wins.
 */
export function compileCalendar(
  config: CalendarConfig,
  data: HolidayData = chinaHolidayData,
  overrides: readonly CalendarOverride[] = [],
): WorkingCalendar {
  const validConfig = validate('invalid calendar config', calendarConfigSchema, config);
  const validData = validate('invalid holiday data', holidayDataSchema, data);
  const validOverrides = validate('invalid calendar overrides', calendarOverridesSchema, overrides);

  const offsetMs = fixedOffsetZones[validConfig.timeZone] * MS_PER_MINUTE;
  const statutory = new Map<number, NonNullable<DayPlan['statutory']>>();
  const schedules = [...validData].sort((a, b) => a.year - b.year);
  for (const schedule of schedules) {
    for (const holiday of schedule.holidays) {
      for (let day = isoDateToDayNumber(holiday.from); day <= isoDateToDayNumber(holiday.to); day++) {
        statutory.set(day, { kind: 'holiday', name: holiday.name });
      }
    }
    for (const workday of schedule.workdays) {
      statutory.set(isoDateToDayNumber(workday.date), { kind: 'make-up-workday', name: workday.name });
    }
  }
  const overrideOf = new Map(validOverrides.map((override) => [isoDateToDayNumber(override.date), override]));
  const weekly = weekdayKeys.map((key) => mergeTouching(validConfig.weekly[key]));
  const makeUp = mergeTouching(validConfig.makeUpWorkdayPeriods);
  const cache = new Map<number, DayPlan>();

  const plan = (day: number): DayPlan => {
    const weekday = isoWeekday(day);
    const status = statutory.get(day);
    const override = overrideOf.get(day);
    let kind: DayKind;
    let name = status?.name;
    let periods: readonly WorkingPeriod[];
    if (override) {
      name = override.name;
      if (override.kind === 'day-off') {
        kind = 'company-day-off';
        periods = [];
      } else if (override.kind === 'working-day') {
        kind = 'extra-working-day';
        periods = override.periods ? mergeTouching(override.periods) : makeUp;
      } else {
        kind = 'special-hours';
        periods = mergeTouching(override.periods);
      }
    } else if (status?.kind === 'holiday') {
      kind = 'holiday';
      periods = [];
    } else if (status?.kind === 'make-up-workday') {
      kind = 'make-up-workday';
      periods = makeUp;
    } else {
      periods = weekly[weekday - 1]!;
      kind = periods.length > 0 ? 'workday' : 'weekend';
    }
    const midnight = day * MS_PER_DAY - offsetMs;
    const spans: number[] = [];
    let totalMs = 0;
    for (const period of periods) {
      const from = midnight + clockToMinutes(period.from) * MS_PER_MINUTE;
      const to = midnight + clockToMinutes(period.to) * MS_PER_MINUTE;
      spans.push(from, to);
      totalMs += to - from;
    }
    return { date: dayNumberToIsoDate(day), weekday, kind, name, statutory: status, periods, spans, totalMs };
  };

  return {
    config: validConfig,
    data: schedules,
    overrides: validOverrides,
    offsetMs,
    years: schedules.map((schedule) => schedule.year),
    dayOf: (epochMs) => Math.floor((epochMs + offsetMs) / MS_PER_DAY),
    dayPlan(day) {
      let cached = cache.get(day);
      if (!cached) {
        cached = plan(day);
        cache.set(day, cached);
      }
      return cached;
    },
  };
}

function validate<T>(message: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new CalendarInputError(message, formatIssues(result.error.issues));
  return result.data;
}

/** 09:00–12:00 + 12:00–13:00 is one period: otherwise a due time could stop at a seam that is no break. */
function mergeTouching(periods: readonly WorkingPeriod[]): WorkingPeriod[] {
  const merged: Array<{ from: number; to: number }> = [];
  for (const period of periods) {
    const from = clockToMinutes(period.from);
    const to = clockToMinutes(period.to);
    const last = merged.at(-1);
    if (last && last.to === from) last.to = to;
    else merged.push({ from, to });
  }
  return merged.map((p) => ({ from: minutesToClock(p.from), to: minutesToClock(p.to) }));
}
