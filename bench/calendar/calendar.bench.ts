// Micro-benchmark of the working calendar against general-purpose business-hours libraries.
//   npx tsx bench/calendar/calendar.bench.ts   → writes bench/calendar/RESULTS.md
// Cases the libraries can express (weekly pattern with a lunch break + a holiday list) are
// compared for equal answers and speed; 调休 cases are run by us only, with the libraries'
// (wrong) answers shown for reference.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { addWorkingMinutes } from '../../shared/calendar/add-working-minutes.ts';
import { defaultCalendarConfig, weekdayKeys } from '../../shared/calendar/calendar-config.ts';
import { chinaHolidayData } from '../../shared/calendar/china-holiday-data.ts';
import { compileCalendar } from '../../shared/calendar/compile-calendar.ts';
import { holidayDates } from '../../shared/calendar/schedule-from-holiday-calendar.ts';
import { workingMinutesBetween } from '../../shared/calendar/working-minutes-between.ts';
import {
  type BusinessTimeLibrary,
  dayjsBusinessTime,
  momentBusinessTime,
  type WeeklyClock,
} from './business-time-libraries.ts';
import { markdownTable } from './markdown-table.ts';

const RUNS = 9;
const TARGET_RUN_MS = 120;

const calendar = compileCalendar(defaultCalendarConfig);
const week = new Map<number, WeeklyClock>(
  weekdayKeys.map((key, i) => [i + 1, defaultCalendarConfig.weekly[key].map((p) => [p.from, p.to] as const)]),
);
const holidays = chinaHolidayData.flatMap(holidayDates);

const sh = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);
const show = (date: Date) =>
  new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

interface Case {
  readonly label: string;
  readonly expected: string;
  readonly ours: () => string;
  readonly library: (lib: BusinessTimeLibrary) => string;
}

const add = (label: string, start: string, minutes: number, expected: string): Case => ({
  label,
  expected,
  ours: () => show(addWorkingMinutes(calendar, sh(start), minutes)),
  library: (lib) => show(lib.add(sh(start), minutes)),
});
const between = (label: string, from: string, to: string, expected: number): Case => ({
  label,
  expected: String(expected),
  ours: () => String(workingMinutesBetween(calendar, sh(from), sh(to))),
  library: (lib) => String(lib.between(sh(from), sh(to))),
});

const comparable: Case[] = [
  add('addWorkingMinutes 1 h over lunch (Tue 2026-03-10 11:30)', '2026-03-10 11:30', 60, '2026-03-10 13:30'),
  add(
    'addWorkingMinutes 24 h over a weekend (Fri 2026-03-13 10:00)',
    '2026-03-13 10:00',
    24 * 60,
    '2026-03-18 10:00',
  ),
  add(
    'addWorkingMinutes 16 h over 清明 4–6 Apr (Thu 2026-04-02 14:00)',
    '2026-04-02 14:00',
    16 * 60,
    '2026-04-07 14:00',
  ),
  between(
    'workingMinutesBetween 2026-03-02 09:00 → 2026-04-10 15:30',
    '2026-03-02 09:00',
    '2026-04-10 15:30',
    13770,
  ),
];
const makeUpOnly: Case[] = [
  add(
    'addWorkingMinutes 24 h over 春节 + make-up Sat 14 Feb (Fri 2026-02-13 10:00)',
    '2026-02-13 10:00',
    24 * 60,
    '2026-02-25 10:00',
  ),
  add(
    'addWorkingMinutes 24 h over 国庆节 + make-up Sat 10 Oct (Wed 2026-09-30 10:00)',
    '2026-09-30 10:00',
    24 * 60,
    '2026-10-10 10:00',
  ),
  between('workingMinutesBetween February 2026', '2026-02-01 00:00', '2026-03-01 00:00', 16 * 480),
];

let sink = 0; // keeps results alive
function time(fn: () => unknown, iterations: number): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) sink += String(fn()).length;
  return performance.now() - start;
}

function calibrate(fn: () => unknown): number {
  let iterations = 1;
  let elapsed = time(fn, iterations);
  while (elapsed < 20) {
    iterations *= 2;
    elapsed = time(fn, iterations);
  }
  return Math.max(1, Math.round((iterations * TARGET_RUN_MS) / elapsed));
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Operations per second of each function, in rounds that run every function once, so load from
 * other processes hits all alike. Returns the median rate of each and the median per-round ratio
 * of the first to each other one.
 */
function measure(fns: ReadonlyArray<() => unknown>, runs = RUNS): { rates: number[]; ratios: number[] } {
  const sizes = fns.map(calibrate);
  for (const [i, fn] of fns.entries()) time(fn, sizes[i]!); // warm-up at full size
  const rounds = Array.from({ length: runs }, () =>
    fns.map((fn, i) => (sizes[i]! * 1000) / time(fn, sizes[i]!)),
  );
  return {
    rates: fns.map((_, i) => median(rounds.map((round) => round[i]!))),
    ratios: fns.slice(1).map((_, i) => median(rounds.map((round) => round[0]! / round[i + 1]!))),
  };
}

const format = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));
const loadBefore = os.loadavg()[0]!;

// Same answers first: comparing the speed of different answers would be meaningless.
const libraries = [momentBusinessTime(week, holidays), dayjsBusinessTime(week, holidays)];
for (const c of [...comparable, ...makeUpOnly]) {
  if (c.ours() !== c.expected) throw new Error(`${c.label}: ours ${c.ours()} ≠ expected ${c.expected}`);
}
for (const c of comparable) {
  for (const lib of libraries) {
    if (c.library(lib) !== c.expected)
      throw new Error(`${c.label}: ${lib.name} ${c.library(lib)} ≠ ${c.expected}`);
  }
}

const compared: string[][] = [];
const compare = (c: Case, label: string, libs: readonly BusinessTimeLibrary[]) => {
  const { rates, ratios } = measure([c.ours, ...libs.map((lib) => () => c.library(lib))]);
  const [ours, moment, dayjs] = rates as [number, number, number];
  const [toMoment, toDayjs] = ratios as [number, number];
  compared.push([
    label,
    c.expected,
    format(ours),
    format(moment),
    format(dayjs),
    `${format(toMoment)}×`,
    `${format(toDayjs)}×`,
  ]);
  console.log(`${label}: ours ${format(ours)}/s, moment ${format(moment)}/s, dayjs ${format(dayjs)}/s`);
};
for (const c of comparable) compare(c, c.label, libraries);

const makeUp: string[][] = [];
for (const c of makeUpOnly) {
  const [ours] = measure([c.ours]).rates as [number];
  const [moment, dayjs] = libraries.map((lib) => c.library(lib)) as [string, string];
  makeUp.push([c.label, c.expected, format(ours), moment, dayjs]);
  console.log(`${c.label}: ours ${format(ours)}/s`);
}

// How much of the libraries' cost is their holiday list: the weekend case again with an empty list
// (that week has no holiday, so the answer must not change). The libraries' configuration is
// global, so this runs after everything that needs the full list.
const weekend = comparable[1]!;
const bare = [momentBusinessTime(week, []), dayjsBusinessTime(week, [])];
for (const lib of bare) {
  if (weekend.library(lib) !== weekend.expected) throw new Error(`${lib.name} without holidays disagrees`);
}
compare(weekend, `${weekend.label}, libraries given no holiday list`, bare);

// The cost the warm-cache figures above hide: compiling (mostly validating config + 3 years of
// data) and walking dates not cached yet. Allocation-heavy, hence noisier: more rounds.
const ONE_OFF_RUNS = 21;
const [coldRate] = measure(
  [() => addWorkingMinutes(compileCalendar(defaultCalendarConfig), sh('2026-03-13 10:00'), 24 * 60)],
  ONE_OFF_RUNS,
).rates as [number];
console.log(`compile + 24 h ${(1000 / coldRate).toFixed(3)} ms`);

const cpus = os.cpus();
const results = `# Working calendar micro-benchmark

Generated by \`npx tsx bench/calendar/calendar.bench.ts\` on ${new Date().toISOString()} (overwritten on each run).

- Machine: ${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()};
  load average ${loadBefore.toFixed(2)} before and ${os.loadavg()[0]!.toFixed(2)} after the run (a shared machine: absolute figures vary between runs, ratios much less)
- Node ${process.version}; process TZ ${process.env.TZ ?? '(unset)'} (results do not depend on it)
- Method: ${RUNS} rounds per case after calibration (~${TARGET_RUN_MS} ms per implementation and round) and a warm-up;
  each round runs every implementation once, so load hits all alike. Rates are medians over the rounds,
  ratios the median of the per-round ratios. Every call builds its Date arguments and formats its result,
  for all implementations alike.
- Calendar: default 5 × 8 (Mon–Fri 09:00–12:00, 13:00–18:00, Asia/Shanghai) with the built-in 2024–2026 data.
  The libraries get the same weekly pattern and every statutory holiday date (${holidays.length}) as their holiday list,
  instances in a fixed +08:00 offset.

## Cases the libraries can express (answers asserted equal)

${markdownTable(
  [
    'case',
    'answer (Asia/Shanghai)',
    'ours ops/s',
    'moment-business-time ops/s',
    'dayjs-business-time ops/s',
    'ours ÷ moment',
    'ours ÷ dayjs',
  ],
  ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
  compared,
)}

The libraries match dates against their holiday list on every step (moment-business-time through
minimatch patterns); the last row shows their speed without that list. Ours looks each date up
once and keeps its working periods in a per-day cache.

## Cases with make-up working days (调休), which the libraries cannot express

${markdownTable(
  ['case', 'ours (correct)', 'ours ops/s', 'moment-business-time answer', 'dayjs-business-time answer'],
  ['left', 'left', 'right', 'left', 'left'],
  makeUp,
)}

## One-off cost hidden by the warm day-plan cache (median of ${ONE_OFF_RUNS} rounds)

compileCalendar(defaultCalendarConfig) + addWorkingMinutes 24 h on the fresh calendar (cold cache):
${(1000 / coldRate).toFixed(3)} ms per call, much of it the zod validation of config and data. A server compiles once per
configuration change and reuses the calendar.
`;

writeFileSync(new URL('./RESULTS.md', import.meta.url), results);
console.log(`wrote bench/calendar/RESULTS.md (checksum ${sink % 997})`);
