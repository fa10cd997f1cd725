import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canChange } from '../../../shared/booking/notice.ts';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { workingMinutesBetween } from '../../../shared/calendar/working-minutes-between.ts';
import { DomainError } from '../../../shared/errors.ts';
import { fmt, sh } from '../calendar/shanghai-time.ts';

const calendar = compileCalendar(defaultCalendarConfig);

type Case = [start: string, notice: number, deadline: string];

describe('canChange: the deadline is the notice period in working time before the start', () => {
  it.each<Case>([
    ['2026-03-10 15:00', 120, '2026-03-10 13:00'], // Tue: 13:00–15:00
    ['2026-03-10 14:00', 120, '2026-03-10 11:00'], // 13:00–14:00 + 11:00–12:00 (lunch skipped)
    ['2026-03-10 13:00', 120, '2026-03-10 10:00'], // the slot starts after lunch
    ['2026-03-10 12:30', 60, '2026-03-10 11:00'], // a start inside the break
    ['2026-03-09 10:00', 120, '2026-03-06 17:00'], // Mon 10:00: 09:00–10:00 + Fri 17:00–18:00
    ['2026-03-09 09:00', 120, '2026-03-06 16:00'], // Mon 09:00: all on Friday
    ['2026-02-24 10:00', 120, '2026-02-14 17:00'], // after 春节: back to the make-up Saturday 14 Feb
    ['2026-10-08 09:30', 120, '2026-09-30 16:30'], // after 国庆节: back to Wed 30 Sep
    ['2026-10-12 09:00', 60, '2026-10-10 17:00'], // Mon after the make-up Saturday 10 Oct
    ['2026-03-10 15:00', 0, '2026-03-10 15:00'], // no notice: until the start
    ['2026-03-10 15:00', 480, '2026-03-09 15:00'], // one working day
  ])('start %s, notice %i min → deadline %s', (start, notice, deadline) => {
    const check = canChange(sh(start), sh('2026-01-05 09:00'), calendar, notice);
    expect(check.ok).toBe(true);
    expect(fmt(check.deadline)).toBe(deadline);
  });
});

describe('canChange outcomes', () => {
  const start = sh('2026-03-09 10:00'); // Mon; deadline Fri 2026-03-06 17:00 with 2 working hours

  it.each<[now: string, expected: 'ok' | 'tooLate' | 'started']>([
    ['2026-03-06 16:59', 'ok'],
    ['2026-03-06 17:00', 'ok'], // exactly 2 working hours left
    ['2026-03-06 17:01', 'tooLate'],
    ['2026-03-07 12:00', 'tooLate'], // Saturday: only 1 working hour left (Mon 09:00–10:00)
    ['2026-03-09 09:59', 'tooLate'],
    ['2026-03-09 10:00', 'started'],
    ['2026-03-10 10:00', 'started'],
  ])('now %s → %s', (now, expected) => {
    const check = canChange(start, sh(now), calendar, 120);
    expect(check.ok ? 'ok' : check.reason).toBe(expected);
  });

  it('explains a refusal in Chinese and English with the deadline', () => {
    const check = canChange(start, sh('2026-03-06 17:30'), calendar, 120);
    expect(check).toMatchObject({ ok: false, reason: 'tooLate' });
    if (check.ok) return;
    expect(check.messageZh).toContain('2 个工作小时');
    expect(check.messageZh).toContain('2026-03-06 17:00');
    expect(check.messageEn).toContain('2 working hours');
    const odd = canChange(start, sh('2026-03-09 09:30'), calendar, 90);
    expect(odd.ok ? '' : odd.messageZh).toContain('90 分钟工作时间');
    const started = canChange(start, sh('2026-03-09 10:00'), calendar, 120);
    expect(started.ok ? '' : started.messageZh).toContain('已开始');
  });

  it('rejects a bad notice or date with a DomainError', () => {
    for (const [at, notice] of [
      [start, -1],
      [start, 1.5],
      [new Date(Number.NaN), 120],
    ] as const) {
      expect(() => canChange(at, sh('2026-03-06 12:00'), calendar, notice)).toThrowError(DomainError);
    }
  });

  it('allows a change exactly when workingMinutesBetween(now, start) ≥ notice', () => {
    const FROM = Date.parse('2026-01-01T00:00:00+08:00') / 60_000;
    const TO = Date.parse('2026-12-20T00:00:00+08:00') / 60_000;
    const minute = fc.integer({ min: FROM, max: TO }).map((m) => new Date(m * 60_000));
    fc.assert(
      fc.property(
        minute,
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        fc.integer({ min: 0, max: 960 }),
        (now, ahead, notice) => {
          const bookingStart = new Date(now.getTime() + ahead * 60_000);
          const check = canChange(bookingStart, now, calendar, notice);
          const expected = ahead > 0 && workingMinutesBetween(calendar, now, bookingStart) >= notice;
          expect(check.ok).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
