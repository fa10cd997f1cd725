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

const RUNS = 7;
const TARGET_RUN_MS = 150;

const calendar = compileCalendar(defaultCalendarConfig);
const week = new Map<number, WeeklyClock>(
  weekdayKeys.map((key, i) => [i + 1, defaultCalendarConfig.weekly[key].map((p) => [p.from, p.to] as const)]),
);
const holidays = chinaHolidayData.flatMap(holidayDates);
const libraries: BusinessTimeLibrary[] = [
  momentBusinessTime(week, holidays),
  dayjsBusinessTime(week, holidays),
];

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

/** Median operations per second over RUNS timed runs of a calibrated number of iterations. */
function opsPerSecond(fn: () => unknown): number {
  let iterations = 1;
  let elapsed = time(fn, iterations);
  while (elapsed < 20) {
    iterations *= 2;
    elapsed = time(fn, iterations);
  }
  iterations = Math.max(1, Math.round((iterations * TARGET_RUN_MS) / elapsed));
  time(fn, iterations); // warm-up at full size
  const rates = Array.from({ length: RUNS }, () => (iterations * 1000) / time(fn, iterations));
  rates.sort((a, b) => a - b);
  return rates[Math.floor(RUNS / 2)]!;
}

let sink = 0; // keeps results alive
function time(fn: () => unknown, iterations: number): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) sink += String(fn()).length;
  return performance.now() - start;
}

const format = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));
const lines: string[] = [];

// Same answers first: a speed comparison of different answers would be meaningless.
for (const c of [...comparable, ...makeUpOnly]) {
  if (c.ours() !== c.expected) throw new Error(`${c.label}: ours ${c.ours()} ≠ expected ${c.expected}`);
}
for (const c of comparable) {
  for (const lib of libraries) {
    if (c.library(lib) !== c.expected)
      throw new Error(`${c.label}: ${lib.name} ${c.library(lib)} ≠ ${c.expected}`);
  }
}

lines.push(
  '| case | answer (Asia/Shanghai) | ours ops/s | moment-business-time ops/s | dayjs-business-time ops/s | ours ÷ moment | ours ÷ dayjs |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
);
for (const c of comparable) {
  const ours = opsPerSecond(c.ours);
  const [moment, dayjs] = libraries.map((lib) => opsPerSecond(() => c.library(lib))) as [number, number];
  lines.push(
    `| ${c.label} | ${c.expected} | ${format(ours)} | ${format(moment)} | ${format(dayjs)} | ${format(ours / moment)}× | ${format(ours / dayjs)}× |`,
  );
  console.log(`${c.label}: ours ${format(ours)}/s, moment ${format(moment)}/s, dayjs ${format(dayjs)}/s`);
}

const makeUpLines = [
  '| case | ours (correct) | ours ops/s | moment-business-time answer | dayjs-business-time answer |',
  '| --- | --- | ---: | --- | --- |',
];
for (const c of makeUpOnly) {
  const ours = opsPerSecond(c.ours);
  const [moment, dayjs] = libraries.map((lib) => c.library(lib)) as [string, string];
  makeUpLines.push(`| ${c.label} | ${c.expected} | ${format(ours)} | ${moment} | ${dayjs} |`);
  console.log(`${c.label}: ours ${format(ours)}/s`);
}

// Costs the warm-cache figures above hide: compiling (validates config + 3 years of data) and
// walking dates that are not cached yet.
const compileRate = opsPerSecond(() => compileCalendar(defaultCalendarConfig));
const coldRate = opsPerSecond(() =>
  addWorkingMinutes(compileCalendar(defaultCalendarConfig), sh('2026-03-13 10:00'), 24 * 60),
);
console.log(`compileCalendar ${format(compileRate)}/s; compile + 24 h ${format(coldRate)}/s`);

const cpus = os.cpus();
const results = `# Working calendar micro-benchmark

Generated by \`npx tsx bench/calendar/calendar.bench.ts\` on ${new Date().toISOString()} (overwritten on each run).

- Machine: ${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}
- Node ${process.version}; process TZ ${process.env.TZ ?? '(unset)'} (results do not depend on it)
- Method: each figure is the median of ${RUNS} timed runs of ~${TARGET_RUN_MS} ms after calibration and a warm-up run;
  every call builds its Date arguments and formats the result, for all implementations alike.
- Calendar: default 5 × 8 (Mon–Fri 09:00–12:00, 13:00–18:00, Asia/Shanghai) with the built-in 2024–2026 data.
  The libraries get the same weekly pattern and every statutory holiday date as their holiday list,
  instances in a fixed +08:00 offset.

## Cases the libraries can express (answers asserted equal)

${lines.join('\n')}

## Cases with make-up working days (调休), which the libraries cannot express

${makeUpLines.join('\n')}

## One-off costs hidden by the warm day-plan cache

| operation | ops/s |
| --- | ---: |
| compileCalendar(defaultCalendarConfig) — validates config and 3 years of data | ${format(compileRate)} |
| compileCalendar + addWorkingMinutes 24 h (cold cache) | ${format(coldRate)} |
`;

writeFileSync(new URL('./RESULTS.md', import.meta.url), results);
console.log(`wrote bench/calendar/RESULTS.md (checksum ${sink % 997})`);
