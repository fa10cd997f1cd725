import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { addWorkingMinutes, nextWorkingStart } from '../../../shared/calendar/add-working-minutes.ts';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { coverageWarning } from '../../../shared/calendar/coverage.ts';
import { describeDay } from '../../../shared/calendar/describe-day.ts';
import { isWorkingTime } from '../../../shared/calendar/is-working-time.ts';
import { workingMinutesBetween } from '../../../shared/calendar/working-minutes-between.ts';
import { sh } from './shanghai-time.ts';

// The whole suite also passes with TZ=UTC, TZ=Asia/Shanghai and TZ=America/New_York. These tests
// make the point inside a single run: Node applies a change of process.env.TZ immediately.
const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

function answers() {
  const calendar = compileCalendar(defaultCalendarConfig); // fresh: no day plans cached under another TZ
  return [
    addWorkingMinutes(calendar, sh('2026-02-13 17:00'), 120).toISOString(),
    addWorkingMinutes(calendar, sh('2026-09-30 10:00'), 24 * 60).toISOString(),
    nextWorkingStart(calendar, sh('2026-03-06 18:00')).toISOString(),
    workingMinutesBetween(calendar, sh('2026-01-01 00:00'), sh('2027-01-01 00:00')),
    isWorkingTime(calendar, sh('2026-02-14 09:00')),
    describeDay(calendar, new Date('2026-02-13T16:30:00Z')).date,
    coverageWarning(calendar, new Date('2026-10-31T16:00:00Z'))?.daysLeft,
  ];
}

describe('independence from the process time zone', () => {
  it('gives the same answers under UTC, Asia/Shanghai, America/New_York and Pacific/Chatham', () => {
    const results = new Map<string, unknown>();
    for (const tz of ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Chatham']) {
      process.env.TZ = tz;
      results.set(tz, answers());
    }
    // The switch really happened: local offsets on 1 July 2026 differ per zone.
    process.env.TZ = 'America/New_York';
    expect(new Date('2026-07-01T00:00:00Z').getTimezoneOffset()).toBe(240);
    process.env.TZ = 'Asia/Shanghai';
    expect(new Date('2026-07-01T00:00:00Z').getTimezoneOffset()).toBe(-480);
    expect(new Set([...results.values()].map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results.get('UTC')).toEqual([
      '2026-02-14T02:00:00.000Z', // Sat 14 Feb 10:00 Shanghai
      '2026-10-10T02:00:00.000Z', // Sat 10 Oct 10:00 Shanghai
      '2026-03-09T01:00:00.000Z', // Mon 9 Mar 09:00 Shanghai
      248 * 480,
      true,
      '2026-02-14',
      60,
    ]);
  });

  it('keeps the runtime code free of clocks, local-time accessors and I/O', () => {
    const dir = new URL('../../../shared/calendar/', import.meta.url);
    const sources = readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.generate.ts'));
    expect(sources.length).toBeGreaterThan(10);
    const forbidden =
      /Date\.now|new Date\(\)|\.get(?:FullYear|Month|Date|Day|Hours|Minutes|Seconds|TimezoneOffset)\(|\.set(?:FullYear|Month|Date|Hours|Minutes)\(|toLocale|Intl\.|from 'node:|process\./;
    for (const file of sources) {
      const code = readFileSync(new URL(file, dir), 'utf8');
      expect(code.match(forbidden)?.[0], file).toBeUndefined();
    }
  });
});
