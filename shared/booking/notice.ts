import type { WorkingCalendar } from '../calendar/compile-calendar.ts';
import { MS_PER_MINUTE } from '../calendar/local-date.ts';
import { DomainError } from '../errors.ts';

/** Same guard as the calendar's forward walk: a calendar without working time must not loop forever. */
const MAX_IDLE_DAYS = 3660;

export type ChangeCheck =
  | {
      readonly ok: true;
      /** Latest instant at which the booking may still be changed or cancelled. */
      readonly deadline: Date;
    }
  | {
      readonly ok: false;
      /** started: the slot has begun (or passed); tooLate: inside the notice period. */
      readonly reason: 'started' | 'tooLate';
      readonly deadline: Date;
      readonly messageZh: string;
      readonly messageEn: string;
    };

/**
 * May a booking starting at `bookingStart` be changed (改约) or cancelled (取消) at `now`? Allowed
 * while at least `noticeWorkingMinutes` of working time remain before the start, i.e. up to the
 * deadline = the latest instant with that much working time between it and the start (2 working
 * hours before a Monday 10:00 slot is Friday 17:00). A notice of 0 allows changes until the start.
 * Equivalent to workingMinutesBetween(calendar, now, bookingStart) ≥ noticeWorkingMinutes.
 */
export function canChange(
  bookingStart: Date,
  now: Date,
  calendar: WorkingCalendar,
  noticeWorkingMinutes: number,
): ChangeCheck {
  const startMs = bookingStart.getTime();
  const nowMs = now.getTime();
  if (Number.isNaN(startMs)) throw new DomainError('validation', '预约开始时间不是有效的时间');
  if (Number.isNaN(nowMs)) throw new DomainError('validation', '当前时间不是有效的时间');
  if (!Number.isInteger(noticeWorkingMinutes) || noticeWorkingMinutes < 0) {
    throw new DomainError('validation', `提前量须为非负整数分钟，收到 ${noticeWorkingMinutes}`);
  }
  const deadline = new Date(changeDeadlineMs(calendar, startMs, noticeWorkingMinutes * MS_PER_MINUTE));
  if (nowMs >= startMs) {
    return {
      ok: false,
      reason: 'started',
      deadline,
      messageZh: '该预约已开始或已结束，不能再改约或取消。',
      messageEn: 'This booking has already started or ended; it can no longer be changed or cancelled.',
    };
  }
  if (nowMs > deadline.getTime()) {
    const { zh, en } = describeNotice(noticeWorkingMinutes);
    const at = localClock(deadline);
    return {
      ok: false,
      reason: 'tooLate',
      deadline,
      messageZh: `改约或取消须在预约开始前至少 ${zh}办理（截止 ${at}），现已超过截止时间。如需调整，请直接联系服务工程师。`,
      messageEn: `Changes and cancellations need at least ${en} of notice (deadline ${at}, China time), which has passed. Please contact the service engineer directly.`,
    };
  }
  return { ok: true, deadline };
}

/**
 * Latest instant D ≤ start with `noticeMs` of working time in [D, start): walks working periods
 * backwards from the start. The inverse direction of addWorkingMinutes.
 */
export function changeDeadlineMs(calendar: WorkingCalendar, startMs: number, noticeMs: number): number {
  if (noticeMs <= 0) return startMs;
  let remaining = noticeMs;
  let idle = 0;
  for (let day = calendar.dayOf(startMs); ; day--) {
    const { spans } = calendar.dayPlan(day);
    let worked = false;
    for (let i = spans.length - 2; i >= 0; i -= 2) {
      const from = spans[i]!;
      const to = Math.min(spans[i + 1]!, startMs);
      if (to <= from) continue;
      worked = true;
      if (remaining <= to - from) return to - remaining;
      remaining -= to - from;
    }
    if (worked) idle = 0;
    else if (++idle > MAX_IDLE_DAYS) {
      throw new RangeError(
        `no working time within ${MAX_IDLE_DAYS} days before ${new Date(startMs).toISOString()}`,
      );
    }
  }
}

function describeNotice(minutes: number): { zh: string; en: string } {
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return { zh: `${hours} 个工作小时`, en: `${hours} working hour${hours === 1 ? '' : 's'}` };
  }
  return { zh: `${minutes} 分钟工作时间`, en: `${minutes} working minutes` };
}

/** '2026-11-26 16:00' in Asia/Shanghai (UTC+8 all year). */
function localClock(at: Date): string {
  return new Date(at.getTime() + 8 * 60 * MS_PER_MINUTE).toISOString().slice(0, 16).replace('T', ' ');
}
