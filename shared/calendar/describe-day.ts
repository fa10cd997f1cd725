import type { WorkingPeriod } from './calendar-config.ts';
import type { DayKind, WorkingCalendar } from './compile-calendar.ts';
import { instant, isoDateToDayNumber, MS_PER_MINUTE } from './local-date.ts';

export interface DayDescription {
  readonly date: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  readonly kind: DayKind;
  readonly working: boolean;
  /** Holiday, make-up day or override name (春节, 春节补班, 公司年会 …), if any. */
  readonly name: string | undefined;
  /** The statutory status, also when an override replaces it. */
  readonly statutory: { readonly kind: 'holiday' | 'make-up-workday'; readonly name: string } | undefined;
  /** Local clock periods of the day, e.g. [{ from: '09:00', to: '12:00' }, …]. */
  readonly periods: readonly WorkingPeriod[];
  readonly workingMinutes: number;
  /** False when no statutory data is loaded for the date's year: holidays there are unknown. */
  readonly covered: boolean;
}

/** What a date is in this calendar, for admin screens. `date` is a local YYYY-MM-DD or an instant. */
export function describeDay(calendar: WorkingCalendar, date: string | Date): DayDescription {
  const day = typeof date === 'string' ? isoDateToDayNumber(date) : calendar.dayOf(instant(date));
  const plan = calendar.dayPlan(day);
  return {
    date: plan.date,
    weekday: plan.weekday,
    kind: plan.kind,
    working: plan.totalMs > 0,
    name: plan.name,
    statutory: plan.statutory,
    periods: plan.periods,
    workingMinutes: plan.totalMs / MS_PER_MINUTE,
    covered: calendar.years.includes(Number(plan.date.slice(0, 4))),
  };
}
