import type { WorkingCalendar } from './compile-calendar.ts';
import { instant } from './local-date.ts';

/** Whether `at` lies inside a working period; periods are half-open, so 09:00 is and 18:00 is not. */
export function isWorkingTime(calendar: WorkingCalendar, at: Date): boolean {
  const ms = instant(at);
  const { spans } = calendar.dayPlan(calendar.dayOf(ms));
  for (let i = 0; i < spans.length; i += 2) {
    if (spans[i]! <= ms && ms < spans[i + 1]!) return true;
  }
  return false;
}
