import type { WorkingCalendar } from './compile-calendar.ts';
import { dayNumberToIsoDate, instant, isoDateToDayNumber } from './local-date.ts';

/** Last date covered by statutory data (31 December of the latest year), or null without data. */
export function coverageEnd(calendar: WorkingCalendar): string | null {
  const last = calendar.years.at(-1);
  return last === undefined ? null : `${last}-12-31`;
}

export interface CoverageWarning {
  /** The last covered date, null when no data is loaded at all. */
  readonly date: string | null;
  /** Days from today (calendar zone) to that date; negative once it has passed, null without data. */
  readonly daysLeft: number | null;
  readonly expired: boolean;
  readonly messages: { readonly 'zh-CN': string; readonly en: string };
}

/**
 * Warning for admins from `days` days before the statutory data runs out (on the date itself
 * `daysLeft` is 0), and after. The State Council publishes the next year's schedule around
 * November, so the 60-day default starts nagging on 1 November. Null when nothing is due.
 */
export function coverageWarning(calendar: WorkingCalendar, now: Date, days = 60): CoverageWarning | null {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be an integer ≥ 0, got ${days}`);
  const end = coverageEnd(calendar);
  if (end === null) {
    return {
      date: null,
      daysLeft: null,
      expired: true,
      messages: {
        'zh-CN':
          '未加载法定节假日与调休数据，响应时限只按每周工作时间计算。请导入国务院办公厅发布的节假日安排。',
        en: 'No statutory holiday data is loaded; response deadlines follow the weekly pattern only. Import the State Council holiday schedule.',
      },
    };
  }
  const today = calendar.dayOf(instant(now));
  const daysLeft = isoDateToDayNumber(end) - today;
  if (daysLeft > days) return null;
  const nextYear = Number(end.slice(0, 4)) + 1;
  if (daysLeft < 0) {
    return {
      date: end,
      daysLeft,
      expired: true,
      messages: {
        'zh-CN': `法定节假日与调休数据只覆盖到 ${end}，今天（${dayNumberToIsoDate(today)}）已超出。请尽快导入 ${nextYear} 年起的节假日安排；在此之前，响应时限只按每周工作时间计算，不计节假日和调休。`,
        en: `Holiday data ended on ${end} and today (${dayNumberToIsoDate(today)}) is past it. Import the holiday schedule from ${nextYear} on; until then, response deadlines follow the weekly pattern only, without holidays or make-up working days.`,
      },
    };
  }
  return {
    date: end,
    daysLeft,
    expired: false,
    messages: {
      'zh-CN': `法定节假日与调休数据只覆盖到 ${end}（还剩 ${daysLeft} 天）。请导入国务院办公厅发布的 ${nextYear} 年节假日安排；否则 ${end} 之后的响应时限将只按每周工作时间计算，不计节假日和调休。`,
      en: `Holiday data covers dates up to ${end} (${daysLeft} days left). Import the State Council's ${nextYear} holiday schedule; otherwise response deadlines after ${end} follow the weekly pattern only, without holidays or make-up working days.`,
    },
  };
}
