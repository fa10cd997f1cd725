import { durationMs, walkWorkingTime } from './add-working-minutes.ts';
import type { WorkingCalendar } from './compile-calendar.ts';
import { instant, MS_PER_MINUTE } from './local-date.ts';

export interface DueExplanation {
  readonly due: Date;
  /** The working periods that were counted, in order; their minutes add up to the requested minutes. */
  readonly periods: ReadonlyArray<{ readonly from: Date; readonly to: Date; readonly minutes: number }>;
}

/** addWorkingMinutes (same walk, same semantics) plus the periods that were counted, for display. */
export function explainDue(calendar: WorkingCalendar, start: Date, minutes: number): DueExplanation {
  const periods: Array<DueExplanation['periods'][number]> = [];
  const due = walkWorkingTime(calendar, instant(start), durationMs(minutes), (from, to) => {
    periods.push({ from: new Date(from), to: new Date(to), minutes: (to - from) / MS_PER_MINUTE });
  });
  return { due: new Date(due), periods };
}
