import { z } from 'zod';
import { type HolidaySchedule, holidayScheduleSchema } from './holiday-schedule.ts';
import { dayNumberToIsoDate, isoDateToDayNumber } from './local-date.ts';

// Converts one year file of the holiday-calendar package (data/CN/<year>.json: a flat list of
// dates typed public_holiday / transfer_workday, filed by notice year) into our schedule format.
// Used by the generator of china-holiday-data.ts; also accepts such a file from an admin.

const holidayCalendarYearSchema = z.object({
  year: z.int(),
  region: z.literal('CN'),
  dates: z.array(
    z.object({
      date: z.iso.date(),
      name_cn: z.string(),
      type: z.enum(['public_holiday', 'transfer_workday']),
    }),
  ),
});

export function scheduleFromHolidayCalendar(json: unknown): HolidaySchedule {
  const file = holidayCalendarYearSchema.parse(json);
  const sorted = [...file.dates].sort((a, b) => a.date.localeCompare(b.date));
  const holidays: HolidaySchedule['holidays'] = [];
  const workdays: HolidaySchedule['workdays'] = [];
  for (const entry of sorted) {
    if (entry.type === 'transfer_workday') {
      workdays.push({ date: entry.date, name: entry.name_cn });
      continue;
    }
    // Consecutive days of the same holiday become one range, as the notice writes them.
    const last = holidays.at(-1);
    if (
      last &&
      last.name === entry.name_cn &&
      isoDateToDayNumber(last.to) + 1 === isoDateToDayNumber(entry.date)
    ) {
      last.to = entry.date;
    } else {
      holidays.push({ name: entry.name_cn, from: entry.date, to: entry.date });
    }
  }
  return holidayScheduleSchema.parse({
    year: file.year,
    source: `国务院办公厅关于${file.year}年部分节假日安排的通知`,
    holidays,
    workdays,
  });
}

/** Every date of a schedule's holidays, for cross-checks. */
export function holidayDates(schedule: HolidaySchedule): string[] {
  return schedule.holidays.flatMap((holiday) => {
    const dates: string[] = [];
    for (let day = isoDateToDayNumber(holiday.from); day <= isoDateToDayNumber(holiday.to); day++) {
      dates.push(dayNumberToIsoDate(day));
    }
    return dates;
  });
}
