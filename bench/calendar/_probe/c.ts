import { performance } from 'node:perf_hooks';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { holidayDataSchema } from '../../../shared/calendar/holiday-schedule.ts';
import { chinaHolidayData } from '../../../shared/calendar/china-holiday-data.ts';
import { calendarConfigSchema } from '../../../shared/calendar/calendar-config.ts';
for (let round = 0; round < 3; round++) {
  for (const [name, fn] of [
    ['compile', () => compileCalendar(defaultCalendarConfig)],
    ['data', () => holidayDataSchema.safeParse(chinaHolidayData)],
    ['config', () => calendarConfigSchema.safeParse(defaultCalendarConfig)],
  ] as const) {
    const t = performance.now();
    for (let i = 0; i < 2000; i++) fn();
    console.log(round, name, ((performance.now() - t) / 2000).toFixed(4), 'ms');
  }
}
