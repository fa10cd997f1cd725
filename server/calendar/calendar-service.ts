import mongoose from 'mongoose';
import {
  type CalendarConfig,
  calendarConfigSchema,
  defaultCalendarConfig,
} from '../../shared/calendar/calendar-config.ts';
import { CalendarInputError } from '../../shared/calendar/calendar-input-error.ts';
import { type CalendarOverride, calendarOverridesSchema } from '../../shared/calendar/calendar-overrides.ts';
import { chinaHolidayData } from '../../shared/calendar/china-holiday-data.ts';
import { compileCalendar, type WorkingCalendar } from '../../shared/calendar/compile-calendar.ts';
import { type CoverageWarning, coverageEnd, coverageWarning } from '../../shared/calendar/coverage.ts';
import { type HolidaySchedule, parseHolidaySchedule } from '../../shared/calendar/holiday-schedule.ts';
import { mergeSchedule } from '../../shared/calendar/merge-schedule.ts';
import { DomainError, issuesFromZod } from '../../shared/errors.ts';
import { type Db, model } from '../db/mongo.ts';

/**
 * The service desk's working calendar: the weekly pattern, imported years of
 * the official holiday schedule (on top of the built-in 2024–2026 data) and
 * admin overrides, stored as one document and compiled once per change.
 * Every process re-reads it at most `ttlMs` after a change elsewhere; the
 * process that changes it sees the change at once.
 */
export interface CalendarSettings {
  _id: string;
  config: CalendarConfig;
  overrides: CalendarOverride[];
  importedSchedules: HolidaySchedule[];
  version: number;
  updatedAt: Date;
  updatedBy?: string;
}

const settingsSchema = new mongoose.Schema<CalendarSettings>(
  {
    _id: String,
    config: mongoose.Schema.Types.Mixed,
    overrides: mongoose.Schema.Types.Mixed,
    importedSchedules: mongoose.Schema.Types.Mixed,
    version: Number,
    updatedAt: Date,
    updatedBy: String,
  },
  { versionKey: false, minimize: false },
);

export function calendarSettingsModel(db: Db) {
  return model<CalendarSettings>(db, 'CalendarSettings', settingsSchema);
}

const settingsId = 'default';

export function defaultCalendarSettings(now: Date): CalendarSettings {
  return {
    _id: settingsId,
    config: defaultCalendarConfig,
    overrides: [],
    importedSchedules: [],
    version: 0,
    updatedAt: now,
  };
}

export function compileSettings(s: Pick<CalendarSettings, 'config' | 'overrides' | 'importedSchedules'>) {
  let data = chinaHolidayData;
  for (const schedule of s.importedSchedules) data = mergeSchedule(data, schedule);
  return compileCalendar(s.config, data, s.overrides);
}

export class CalendarService {
  private cached: { at: number; settings: CalendarSettings; calendar: WorkingCalendar } | undefined;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 10_000,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async settings(): Promise<CalendarSettings> {
    return (await this.load()).settings;
  }

  async calendar(): Promise<WorkingCalendar> {
    return (await this.load()).calendar;
  }

  /** Days before the statutory data runs out, for the admin warning (from 60 days before). */
  async coverage(): Promise<{ end: string | null; warning: CoverageWarning | null }> {
    const cal = await this.calendar();
    return { end: coverageEnd(cal), warning: coverageWarning(cal, this.clock()) };
  }

  invalidate(): void {
    this.cached = undefined;
  }

  async setConfig(config: unknown, by: string): Promise<CalendarSettings> {
    const parsed = calendarConfigSchema.safeParse(config);
    if (!parsed.success)
      throw new DomainError('validation', '工作日历设置有误', { issues: issuesFromZod(parsed.error.issues) });
    return this.save((s) => ({ ...s, config: parsed.data }), by);
  }

  async setOverrides(overrides: unknown, by: string): Promise<CalendarSettings> {
    const parsed = calendarOverridesSchema.safeParse(overrides);
    if (!parsed.success)
      throw new DomainError('validation', '日历例外设置有误', { issues: issuesFromZod(parsed.error.issues) });
    return this.save((s) => ({ ...s, overrides: parsed.data }), by);
  }

  /** Imports one year's official schedule (file format: shared/calendar/README.md); replaces that year. */
  async importSchedule(json: unknown, by: string): Promise<CalendarSettings> {
    const parsed = parseHolidaySchedule(json);
    if (!parsed.ok)
      throw new DomainError('validation', '节假日安排文件有误', {
        issues: parsed.errors.map((message) => ({ path: '(file)', message })),
      });
    const schedule = parsed.schedule;
    return this.save(
      (s) => ({
        ...s,
        importedSchedules: [...s.importedSchedules.filter((x) => x.year !== schedule.year), schedule].sort(
          (a, b) => a.year - b.year,
        ),
      }),
      by,
    );
  }

  private async load() {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached;
    const stored = await calendarSettingsModel(this.db).findById(settingsId).lean();
    const settings = (stored as CalendarSettings | null) ?? defaultCalendarSettings(this.clock());
    if (this.cached && this.cached.settings.version === settings.version) {
      this.cached = { ...this.cached, at: now };
      return this.cached;
    }
    this.cached = { at: now, settings, calendar: compileSettings(settings) };
    return this.cached;
  }

  private async save(
    change: (s: CalendarSettings) => CalendarSettings,
    by: string,
  ): Promise<CalendarSettings> {
    this.invalidate();
    const current = await this.settings();
    const next = { ...change(current), version: current.version + 1, updatedAt: this.clock(), updatedBy: by };
    try {
      compileSettings(next); // refuse a combination that does not compile
    } catch (err) {
      if (err instanceof CalendarInputError)
        throw new DomainError('validation', err.message, {
          issues: err.details.map((message) => ({ path: '(calendar)', message })),
        });
      throw err;
    }
    await calendarSettingsModel(this.db).replaceOne({ _id: settingsId }, next, { upsert: true });
    this.invalidate();
    return next;
  }
}
