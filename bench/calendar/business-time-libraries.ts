// Adapters for the general-purpose libraries the benchmark compares against. Both keep their
// schedule in global state and compute in the instance's zone, so instances are put in a fixed
// +08:00 offset (utcOffset(480)): same answers whatever the process TZ. Neither can express a
// make-up working day (调休上班): the weekly pattern is per weekday, holidays are a date list.
// Their configuration is global: the adapter created last decides what every adapter computes.
import { createRequire } from 'node:module';
import type { Dayjs, PluginFunc } from 'dayjs';
import type {} from 'dayjs/plugin/utc'; // type augmentations of dayjs
import type {} from 'dayjs-business-time';
import type { Moment } from 'moment';

const require = createRequire(import.meta.url);
const SHANGHAI_OFFSET_MINUTES = 480;

/** A business-hours library under test: add working minutes, count working minutes. */
export interface BusinessTimeLibrary {
  readonly name: string;
  add(start: Date, minutes: number): Date;
  between(from: Date, to: Date): number;
}

interface BusinessMoment extends Moment {
  addWorkingTime(amount: number, unit: 'minutes'): BusinessMoment;
  workingDiff(other: Moment, unit: 'minutes'): number;
}

/** Weekly pattern as [from, to] clock pairs per ISO weekday (1 = Monday … 7 = Sunday). */
export type WeeklyClock = ReadonlyArray<readonly [string, string]>;

export function momentBusinessTime(
  week: ReadonlyMap<number, WeeklyClock>,
  holidays: readonly string[],
): BusinessTimeLibrary {
  const moment = require('moment') as typeof import('moment');
  require('moment-business-time');
  const workinghours: Record<number, string[] | null> = {};
  for (let day = 0; day < 7; day++) {
    const periods = week.get(day === 0 ? 7 : day) ?? [];
    workinghours[day] =
      periods.length > 0 ? periods.flatMap(([from, to]) => [`${from}:00`, `${to}:00`]) : null;
  }
  moment.updateLocale('en', { workinghours, holidays: [...holidays] });
  const at = (date: Date) => moment(date).utcOffset(SHANGHAI_OFFSET_MINUTES) as BusinessMoment;
  return {
    name: 'moment-business-time',
    add: (start, minutes) => at(start).addWorkingTime(minutes, 'minutes').toDate(),
    between: (from, to) => at(to).workingDiff(at(from), 'minutes'),
  };
}

export function dayjsBusinessTime(
  week: ReadonlyMap<number, WeeklyClock>,
  holidays: readonly string[],
): BusinessTimeLibrary {
  const dayjs = require('dayjs') as typeof import('dayjs');
  const plugin = (mod: { default?: PluginFunc } | PluginFunc) =>
    typeof mod === 'function' ? mod : mod.default!;
  dayjs.extend(plugin(require('dayjs/plugin/utc')));
  dayjs.extend(plugin(require('dayjs-business-time')));
  const segments = (isoDay: number) => {
    const periods = week.get(isoDay) ?? [];
    return periods.length > 0
      ? periods.map(([from, to]) => ({ start: `${from}:00`, end: `${to}:00` }))
      : null;
  };
  dayjs.setBusinessTime({
    monday: segments(1),
    tuesday: segments(2),
    wednesday: segments(3),
    thursday: segments(4),
    friday: segments(5),
    saturday: segments(6),
    sunday: segments(7),
  });
  dayjs.setHolidays([...holidays]);
  const at = (date: Date): Dayjs => dayjs(date).utcOffset(SHANGHAI_OFFSET_MINUTES);
  return {
    name: 'dayjs-business-time',
    add: (start, minutes) => at(start).addBusinessMinutes(minutes).toDate(),
    // despite its name, businessMinutesDiff returns comparator − this
    between: (from, to) => at(from).businessMinutesDiff(at(to)),
  };
}
