import { addWorkingMinutes } from '../calendar/add-working-minutes.ts';
import type { WorkingCalendar } from '../calendar/compile-calendar.ts';
import { MS_PER_MINUTE } from '../calendar/local-date.ts';
import { workingMinutesBetween } from '../calendar/working-minutes-between.ts';

/**
 * The arithmetic of one clock, in epoch milliseconds. compute-sla-clocks.ts decides which
 * intervals count; this file only measures them.
 *
 * How a clock ends up:
 * - completed: it stopped at `endMs` (the response, the closure…).
 * - running: not completed and counting at `endMs` (= now); it goes on counting after now.
 * - paused: not completed and not counting at now.
 */
export type ClockMode = 'completed' | 'running' | 'paused';

export interface Measured {
  readonly elapsedMs: number;
  /**
   * When the budget ran out or runs out. Completed within budget: projected from the completion as
   * if the clock had gone on. Paused before running out: undefined (the instant is not known yet).
   */
  readonly dueMs: number | undefined;
  /** When the at-risk threshold was or will be crossed; undefined when not crossed while paused or completed. */
  readonly atRiskMs: number | undefined;
}

export interface WorkingMeasureInput {
  readonly calendar: WorkingCalendar;
  readonly budgetMs: number;
  readonly thresholdMs: number;
  /** Half-open intervals during which the clock counts, in order, not overlapping, ending by `endMs`. */
  readonly intervals: ReadonlyArray<readonly [number, number]>;
  readonly endMs: number;
  readonly mode: ClockMode;
}

/**
 * Working time counted over the intervals. A threshold is reached inside the interval where the
 * running total passes it, at addWorkingMinutes(interval start, what was still missing) — so with
 * a pause in the middle, the due time is counted on from the last resume. A running clock's due
 * time after now is addWorkingMinutes(now, remaining), the same instant as counting from the last
 * resume (working time between the resume and now is already in the total).
 */
export function measureWorking(input: WorkingMeasureInput): Measured {
  const { calendar, budgetMs, thresholdMs, intervals, endMs, mode } = input;
  let elapsedMs = 0;
  let dueMs: number | undefined;
  let atRiskMs: number | undefined;
  for (const [from, to] of intervals) {
    const ms = workingMs(calendar, from, to);
    if (atRiskMs === undefined && elapsedMs + ms >= thresholdMs) {
      atRiskMs = addMs(calendar, from, thresholdMs - elapsedMs);
    }
    if (dueMs === undefined && elapsedMs + ms >= budgetMs) {
      dueMs = addMs(calendar, from, budgetMs - elapsedMs);
    }
    elapsedMs += ms;
  }
  if (mode === 'running') {
    atRiskMs ??= addMs(calendar, endMs, thresholdMs - elapsedMs);
    dueMs ??= addMs(calendar, endMs, budgetMs - elapsedMs);
  } else if (mode === 'completed') {
    dueMs ??= addMs(calendar, endMs, budgetMs - elapsedMs);
  }
  return { elapsedMs, dueMs, atRiskMs };
}

/** Calendar time: no pauses, no calendar; due = start + budget. */
export function measureCalendar(input: {
  readonly startMs: number;
  readonly budgetMs: number;
  readonly thresholdMs: number;
  readonly endMs: number;
  readonly mode: Exclude<ClockMode, 'paused'>;
}): Measured {
  const { startMs, budgetMs, thresholdMs, endMs, mode } = input;
  const atRiskMs = startMs + thresholdMs;
  return {
    elapsedMs: endMs - startMs,
    dueMs: startMs + budgetMs,
    atRiskMs: mode === 'running' || atRiskMs <= endMs ? atRiskMs : undefined,
  };
}

/** Working ms in [from, to); whole ms (the calendar counts ms, its minutes are ms / 60,000). */
function workingMs(calendar: WorkingCalendar, from: number, to: number): number {
  return Math.round(workingMinutesBetween(calendar, new Date(from), new Date(to)) * MS_PER_MINUTE);
}

function addMs(calendar: WorkingCalendar, from: number, ms: number): number {
  return addWorkingMinutes(calendar, new Date(from), ms / MS_PER_MINUTE).getTime();
}
