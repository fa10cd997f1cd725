import { describe, expect, it } from 'vitest';
import { nextWorkingStart } from '../../../shared/calendar/add-working-minutes.ts';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { isWorkingTime } from '../../../shared/calendar/is-working-time.ts';
import { fmt, sh } from './shanghai-time.ts';

const calendar = compileCalendar(defaultCalendarConfig);

describe('isWorkingTime (periods are half-open: [09:00, 12:00) and [13:00, 18:00))', () => {
  it.each([
    ['2026-03-02 08:59:59', false], // Mon just before opening
    ['2026-03-02 09:00', true], // a period start is working time
    ['2026-03-02 11:59:59', true],
    ['2026-03-02 12:00', false], // a period end is not
    ['2026-03-02 12:30', false], // lunch
    ['2026-03-02 13:00', true],
    ['2026-03-02 17:59:59', true],
    ['2026-03-02 18:00', false],
    ['2026-03-07 10:00', false], // Sat
    ['2026-02-14 10:00', true], // make-up Sat 14 Feb 2026
    ['2026-02-14 12:30', false], // its lunch break
    ['2026-02-16 10:00', false], // Mon in the Spring Festival holiday
    ['2026-09-20 10:00', true], // make-up Sun 20 Sep 2026
    ['2026-10-10 10:00', true], // make-up Sat 10 Oct 2026
    ['2026-10-05 10:00', false], // National Day
  ])('%s → %s', (at, expected) => {
    expect(isWorkingTime(calendar, sh(at))).toBe(expected);
  });
});

describe('nextWorkingStart (at itself when inside working time)', () => {
  it.each([
    ['2026-03-02 10:00:15', '2026-03-02 10:00:15'], // inside: unchanged, seconds kept
    ['2026-03-02 12:00', '2026-03-02 13:00'], // morning end → afternoon start
    ['2026-03-06 18:00', '2026-03-09 09:00'], // Fri end → Mon
    ['2026-02-13 18:00', '2026-02-14 09:00'], // Fri 13 Feb 2026 → make-up Sat 14
    ['2026-02-14 18:00', '2026-02-24 09:00'], // Sat 14 → after the holiday, Tue 24
    ['2026-09-30 18:00', '2026-10-08 09:00'], // Wed 30 Sep → Thu 8 Oct
  ])('%s → %s', (at, expected) => {
    expect(fmt(nextWorkingStart(calendar, sh(at)))).toBe(expected);
  });
});
