import type { HolidayData, HolidaySchedule } from './holiday-schedule.ts';

/** Adds an imported year, replacing any data already held for that year; keeps years ascending. */
export function mergeSchedule(data: HolidayData, schedule: HolidaySchedule): HolidayData {
  return [...data.filter((existing) => existing.year !== schedule.year), schedule].sort(
    (a, b) => a.year - b.year,
  );
}
