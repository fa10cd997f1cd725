import { z } from 'zod';
import { api } from '../../api.ts';

/** The working calendar's admin API (server/sla/sla-routes.ts): GET /api/calendar and its PUT/POST changes. */
const periodSchema = z.object({ from: z.string(), to: z.string() });
export type Period = z.infer<typeof periodSchema>;

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

const configSchema = z.object({
  timeZone: z.string(),
  weekly: z.object({
    mon: z.array(periodSchema),
    tue: z.array(periodSchema),
    wed: z.array(periodSchema),
    thu: z.array(periodSchema),
    fri: z.array(periodSchema),
    sat: z.array(periodSchema),
    sun: z.array(periodSchema),
  }),
  makeUpWorkdayPeriods: z.array(periodSchema),
});
export type CalendarConfig = z.infer<typeof configSchema>;

export const overrideKinds = ['day-off', 'working-day', 'hours'] as const;
export type OverrideKind = (typeof overrideKinds)[number];
const overrideSchema = z.object({
  date: z.string(),
  kind: z.enum(overrideKinds),
  name: z.string().optional(),
  periods: z.array(periodSchema).optional(),
});
export type Override = z.infer<typeof overrideSchema>;

const scheduleSchema = z.object({
  year: z.number(),
  source: z.string(),
  holidays: z.array(z.object({ name: z.string(), from: z.string(), to: z.string() })),
  workdays: z.array(z.object({ date: z.string(), name: z.string() })),
});
export type Schedule = z.infer<typeof scheduleSchema>;

const settingsSchema = z.object({
  config: configSchema,
  overrides: z.array(overrideSchema),
  importedSchedules: z.array(scheduleSchema),
  version: z.number(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
export type CalendarSettings = z.infer<typeof settingsSchema>;

const coverageSchema = z.object({
  end: z.string().nullable(),
  warning: z
    .object({
      date: z.string().nullable(),
      daysLeft: z.number().nullable(),
      expired: z.boolean(),
      messages: z.object({ 'zh-CN': z.string(), en: z.string() }),
    })
    .nullable(),
});

const calendarSchema = z.object({ settings: settingsSchema, coverage: coverageSchema });
export type CalendarAnswer = z.infer<typeof calendarSchema>;
const savedSchema = z.object({ settings: settingsSchema });

export const getCalendar = () => api('/api/calendar', calendarSchema);
export const putWeekly = (config: CalendarConfig) =>
  api('/api/calendar/weekly', savedSchema, { method: 'PUT', body: config });
export const putOverrides = (overrides: Override[]) =>
  api('/api/calendar/overrides', savedSchema, { method: 'PUT', body: overrides });
export const postHolidaySchedule = (schedule: unknown) =>
  api('/api/calendar/holidays', savedSchema, { method: 'POST', body: schedule });
