import type { WorkingCalendar } from './compile-calendar.ts';
import { instant, MS_PER_MINUTE } from './local-date.ts';

/**
 * Longest run of days without working time the walk accepts before giving up: a calendar with no
 * working time at all would otherwise loop forever. Ten years is far beyond any real closure.
 */
const MAX_IDLE_DAYS = 3660;

/**
 * Due time of `minutes` working minutes counted from `start`.
 *
 * Semantics (the usual service-desk conventions):
 * - Working periods are half-open [from, to): 18:00 is not working time, 09:00 is.
 * - The clock starts at nextWorkingStart(start); a start at a period end or outside working time
 *   waits for the next period (Fri 18:00 + 60 min = Mon 10:00).
 * - The due time is the earliest instant at which `minutes` have elapsed, so a due time that lands
 *   exactly on a period end stays there (Fri 17:00 + 60 min = Fri 18:00, not Mon 09:00).
 * - Hence 0 minutes gives nextWorkingStart(start): start itself inside working time, else the next
 *   period start.
 * - Counting is in milliseconds: seconds of `start` are kept (10:15:30 + 60 min = 11:15:30);
 *   fractional minutes are allowed and rounded to the millisecond.
 */
export function addWorkingMinutes(calendar: WorkingCalendar, start: Date, minutes: number): Date {
  return new Date(walkWorkingTime(calendar, instant(start), durationMs(minutes)));
}

/** The first instant at or after `at` that is working time (`at` itself when it is). */
export function nextWorkingStart(calendar: WorkingCalendar, at: Date): Date {
  return new Date(walkWorkingTime(calendar, instant(at), 0));
}

/**
 * Walks working periods from `startMs` until `durationMs` of working time is consumed and returns
 * that instant; `onSlice` sees each counted piece (explainDue). Shared so explanations can never
 * disagree with due times.
 */
export function walkWorkingTime(
  calendar: WorkingCalendar,
  startMs: number,
  durationMs: number,
  onSlice?: (fromMs: number, toMs: number) => void,
): number {
  let remaining = durationMs;
  let day = calendar.dayOf(startMs);
  let idleDays = 0;
  for (;;) {
    const { spans, totalMs } = calendar.dayPlan(day);
    if (spans.length === 0) {
      if (++idleDays > MAX_IDLE_DAYS) {
        throw new RangeError(
          `no working time within ${MAX_IDLE_DAYS} days after ${new Date(startMs).toISOString()}`,
        );
      }
      day++;
      continue;
    }
    idleDays = 0;
    // Whole days strictly inside the duration are consumed at once (strictly: a due time on the
    // day's last period end must be returned by the loop below).
    if (!onSlice && startMs <= spans[0]! && remaining > totalMs) {
      remaining -= totalMs;
      day++;
      continue;
    }
    for (let i = 0; i < spans.length; i += 2) {
      const end = spans[i + 1]!;
      if (end <= startMs) continue;
      const from = Math.max(spans[i]!, startMs);
      if (remaining <= end - from) {
        if (remaining > 0) onSlice?.(from, from + remaining);
        return from + remaining;
      }
      onSlice?.(from, end);
      remaining -= end - from;
    }
    day++;
  }
}

export function durationMs(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`working minutes must be a finite number ≥ 0, got ${minutes}`);
  }
  return Math.round(minutes * MS_PER_MINUTE);
}
