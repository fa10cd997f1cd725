import type { WorkingCalendar } from '../calendar/compile-calendar.ts';

/**
 * Whether `at` is outside the day's standard hours: on a day without working time (weekend,
 * statutory holiday, company day off), before the day's first period or from its last period's
 * end. A break between two periods of the same day (lunch, 12:00–13:00) is not after hours: the
 * team is back within the hour, so the branch on-call is not called out for it (the team lead
 * still gets a level-1 coordination notice at once).
 */
export function isAfterHours(calendar: WorkingCalendar, at: Date): boolean {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  const { spans } = calendar.dayPlan(calendar.dayOf(ms));
  const first = spans[0];
  const last = spans[spans.length - 1];
  if (first === undefined || last === undefined) return true;
  return ms < first || ms >= last;
}
