import type { WorkingCalendar } from './compile-calendar.ts';
import { instant, MS_PER_MINUTE } from './local-date.ts';

/**
 * Working minutes in [from, to); 0 when to ≤ from. Counted in milliseconds, so the result is
 * fractional when the instants are not on whole minutes. Inverse of addWorkingMinutes:
 * workingMinutesBetween(c, s, addWorkingMinutes(c, s, m)) === m.
 */
export function workingMinutesBetween(calendar: WorkingCalendar, from: Date, to: Date): number {
  const fromMs = instant(from);
  const toMs = instant(to);
  if (toMs <= fromMs) return 0;
  let ms = 0;
  const lastDay = calendar.dayOf(toMs);
  for (let day = calendar.dayOf(fromMs); day <= lastDay; day++) {
    const { spans, totalMs } = calendar.dayPlan(day);
    if (spans.length === 0) continue;
    if (fromMs <= spans[0]! && spans[spans.length - 1]! <= toMs) {
      ms += totalMs;
      continue;
    }
    for (let i = 0; i < spans.length; i += 2) {
      const start = Math.max(spans[i]!, fromMs);
      const end = Math.min(spans[i + 1]!, toMs);
      if (end > start) ms += end - start;
    }
  }
  return ms / MS_PER_MINUTE;
}
