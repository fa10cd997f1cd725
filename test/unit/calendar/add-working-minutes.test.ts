import { describe, expect, it } from 'vitest';
import { addWorkingMinutes } from '../../../shared/calendar/add-working-minutes.ts';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { fmt, sh } from './shanghai-time.ts';

// Default 5 × 8 calendar (Mon–Fri 09:00–12:00, 13:00–18:00, Asia/Shanghai) with the built-in
// statutory data. March 2026 has no holidays: Mon 2 … Fri 6, Mon 9 … Fri 13.
const calendar = compileCalendar(defaultCalendarConfig);
const H = 60;

type Case = [start: string, minutes: number, due: string];

function table(cases: Case[]) {
  it.each(cases)('%s + %i min = %s', (start, minutes, due) => {
    expect(fmt(addWorkingMinutes(calendar, sh(start), minutes))).toBe(due);
  });
}

describe('addWorkingMinutes on an ordinary week', () => {
  table([
    ['2026-03-02 09:00', H, '2026-03-02 10:00'], // Mon 09:00 + 1 h = Mon 10:00
    ['2026-03-02 11:30', H, '2026-03-02 13:30'], // Mon 11:30–12:00 (30 min) + lunch + 13:00–13:30 = Mon 13:30
    ['2026-03-02 11:00', H, '2026-03-02 12:00'], // lands on the morning end: stays at 12:00, not 13:00
    ['2026-03-02 12:00', 30, '2026-03-02 13:30'], // start at a period end: clock starts 13:00 → 13:30
    ['2026-03-02 12:30', 30, '2026-03-02 13:30'], // start in the lunch break: 13:00 + 30 min
    ['2026-03-06 17:00', H, '2026-03-06 18:00'], // Fri 17:00 + 1 h = Fri 18:00 (period end stays), not Mon 09:00
    ['2026-03-06 17:00', 2 * H, '2026-03-09 10:00'], // Fri 17:00 + 2 h = Fri 18:00 (1 h) + Mon 09:00–10:00 = Mon 10:00
    ['2026-03-06 18:00', H, '2026-03-09 10:00'], // Fri 18:00 is outside: Mon 09:00 + 1 h = Mon 10:00
    ['2026-03-06 20:00', H, '2026-03-09 10:00'], // Fri evening: Mon 09:00 + 1 h
    ['2026-03-07 10:00', H, '2026-03-09 10:00'], // Sat: Mon 09:00 + 1 h
    ['2026-03-02 07:00', H, '2026-03-02 10:00'], // before opening: 09:00 + 1 h
    ['2026-03-02 09:00', 8 * H, '2026-03-02 18:00'], // a full day: 3 h + 5 h = Mon 18:00
    ['2026-03-02 09:00', 8 * H + 1, '2026-03-03 09:01'], // one minute more: Tue 09:01
    ['2026-03-02 17:59', 2, '2026-03-03 09:01'], // Mon 17:59–18:00 (1) + Tue 09:00–09:01 (1)
  ]);
});

describe('addWorkingMinutes with 0 minutes = next working start (service-desk convention)', () => {
  table([
    ['2026-03-02 10:00', 0, '2026-03-02 10:00'], // inside working time: itself
    ['2026-03-02 09:00', 0, '2026-03-02 09:00'], // a period start is working time
    ['2026-03-02 07:00', 0, '2026-03-02 09:00'], // before opening → 09:00
    ['2026-03-02 12:00', 0, '2026-03-02 13:00'], // a period end is not working time → 13:00
    ['2026-03-06 18:00', 0, '2026-03-09 09:00'], // Fri 18:00 → Mon 09:00
    ['2026-03-08 23:59', 0, '2026-03-09 09:00'], // Sun night → Mon 09:00
  ]);
});

describe('addWorkingMinutes keeps seconds', () => {
  table([
    ['2026-03-02 10:15:30', H, '2026-03-02 11:15:30'], // Mon 10:15:30 + 1 h
    ['2026-03-02 11:59:30', 1, '2026-03-02 13:00:30'], // 11:59:30–12:00 (30 s) + 13:00–13:00:30 (30 s)
    ['2026-03-02 17:59:30', 1, '2026-03-03 09:00:30'], // 30 s on Mon + 30 s on Tue
    ['2026-03-06 17:00:45', H, '2026-03-09 09:00:45'], // Fri 17:00:45–18:00 (59 min 15 s) + Mon 45 s
    ['2026-03-02 12:00:30', 0, '2026-03-02 13:00'], // lunch with seconds → 13:00 sharp
  ]);

  it('accepts fractional minutes, counted to the millisecond', () => {
    // 10:00 + 1.5 min = 10:01:30
    expect(fmt(addWorkingMinutes(calendar, sh('2026-03-02 10:00'), 1.5))).toBe('2026-03-02 10:01:30');
  });
});

describe('addWorkingMinutes for the response levels (SPEC: 1, 8, 12, 16, 24 working hours)', () => {
  table([
    ['2026-03-02 10:00', 1 * H, '2026-03-02 11:00'], // level 1: Mon 10:00 + 1 h
    ['2026-03-02 10:00', 8 * H, '2026-03-03 10:00'], // level 2: Mon 10:00–18:00 = 7 h + Tue 09:00–10:00 = Tue 10:00
    ['2026-03-02 10:00', 12 * H, '2026-03-03 15:00'], // level 3: 7 h Mon + Tue 09–12 (3) + 13–15 (2) = Tue 15:00
    ['2026-03-02 10:00', 16 * H, '2026-03-04 10:00'], // level 4: 7 + 8 (Tue) + 1 (Wed) = Wed 10:00
    ['2026-03-02 10:00', 24 * H, '2026-03-05 10:00'], // level 5: 7 + 8 + 8 + 1 = Thu 10:00
    // 24 h across a weekend: Fri 10–12, 13–18 (7) + Mon (15) + Tue (23) + Wed 09:00–10:00 (24) = Wed 10:00
    ['2026-03-06 10:00', 24 * H, '2026-03-11 10:00'],
  ]);
});

describe('addWorkingMinutes around the 2026 Spring Festival (holiday Sun 15 – Mon 23 Feb; make-up Sat 14 and Sat 28)', () => {
  table([
    // Fri 13 17:00 + 2 h = Fri 18:00 (1 h) + make-up Sat 14 09:00–10:00 = Sat 14 10:00
    ['2026-02-13 17:00', 2 * H, '2026-02-14 10:00'],
    // Sat 14 17:00 + 2 h = Sat 18:00 (1 h) + 15–23 holiday + Tue 24 09:00–10:00 = Tue 24 10:00
    ['2026-02-14 17:00', 2 * H, '2026-02-24 10:00'],
    // Make-up Saturday keeps the lunch break: Sat 14 11:30 + 1 h = 11:30–12:00 + 13:00–13:30
    ['2026-02-14 11:30', H, '2026-02-14 13:30'],
    // Start inside the holiday: Mon 16 10:00 → Tue 24 09:00 + 1 h = Tue 24 10:00
    ['2026-02-16 10:00', H, '2026-02-24 10:00'],
    // Mon 23 is the holiday's last day (a Monday): → Tue 24 09:00 + 1 h
    ['2026-02-23 09:00', H, '2026-02-24 10:00'],
    // 24 h across weekend + holiday: Fri 13 10:00 (7) + Sat 14 (15) + Tue 24 (23) + Wed 25 09:00–10:00 = Wed 25 10:00
    ['2026-02-13 10:00', 24 * H, '2026-02-25 10:00'],
    // Fri 27 17:00 + 2 h = Fri 18:00 (1) + make-up Sat 28 09:00–10:00 = Sat 28 10:00
    ['2026-02-27 17:00', 2 * H, '2026-02-28 10:00'],
    // Sat 28 17:30 + 1 h = Sat 17:30–18:00 (30 min) + Sun 1 Mar off + Mon 2 09:00–09:30
    ['2026-02-28 17:30', H, '2026-03-02 09:30'],
    // An ordinary Saturday inside the holiday is still off: Sat 21 → Tue 24 09:00
    ['2026-02-21 10:00', 0, '2026-02-24 09:00'],
  ]);
});

describe('addWorkingMinutes around 2026 Mid-Autumn (Fri 25 – Sun 27 Sep) and National Day (Thu 1 – Wed 7 Oct; make-up Sun 20 Sep, Sat 10 Oct)', () => {
  table([
    // Fri 18 Sep 17:00 + 2 h = Fri 18:00 (1) + Sat 19 off + make-up Sun 20 09:00–10:00 = Sun 20 10:00
    ['2026-09-18 17:00', 2 * H, '2026-09-20 10:00'],
    // Thu 24 Sep 17:00 + 2 h = Thu 18:00 (1) + 中秋 25–27 + Mon 28 09:00–10:00 = Mon 28 10:00
    ['2026-09-24 17:00', 2 * H, '2026-09-28 10:00'],
    // 16 h across National Day: Wed 30 Sep 14:00–18:00 (4) + 1–7 Oct + Thu 8 (12) + Fri 9 09–12 (15) + 13–14 (16) = Fri 9 14:00
    ['2026-09-30 14:00', 16 * H, '2026-10-09 14:00'],
    // 24 h: Wed 30 Sep 10:00 (7) + Thu 8 Oct (15) + Fri 9 (23) + make-up Sat 10 09:00–10:00 = Sat 10 10:00
    ['2026-09-30 10:00', 24 * H, '2026-10-10 10:00'],
    // Inside the holiday: Sat 3 Oct → Thu 8 Oct 09:00 + 1 h
    ['2026-10-03 15:00', H, '2026-10-08 10:00'],
  ]);
});

describe('addWorkingMinutes in 2024 and 2025 (built-in data)', () => {
  table([
    // 2025 国庆节、中秋节 1–8 Oct; make-up Sun 28 Sep, Sat 11 Oct.
    // Fri 26 Sep 17:00 + 2 h = Fri 18:00 (1) + make-up Sun 28 09:00–10:00
    ['2025-09-26 17:00', 2 * H, '2025-09-28 10:00'],
    // Tue 30 Sep 17:00 + 2 h = Tue 18:00 (1) + 1–8 Oct + Thu 9 Oct 09:00–10:00
    ['2025-09-30 17:00', 2 * H, '2025-10-09 10:00'],
    // 2024 元旦 is Mon 1 Jan only: Mon 1 Jan 10:00 → Tue 2 Jan 09:00 + 1 h
    ['2024-01-01 10:00', H, '2024-01-02 10:00'],
    // 2024 春节 Sat 10 – Sat 17 Feb, make-up Sun 4 and Sun 18 Feb:
    // Fri 9 Feb 17:00 + 2 h = Fri 18:00 (1) + 10–17 Feb + make-up Sun 18 09:00–10:00
    ['2024-02-09 17:00', 2 * H, '2024-02-18 10:00'],
  ]);
});

describe('addWorkingMinutes rejects bad arguments', () => {
  it('throws RangeError on negative, NaN or infinite minutes and on an invalid Date', () => {
    expect(() => addWorkingMinutes(calendar, sh('2026-03-02 10:00'), -1)).toThrow(RangeError);
    expect(() => addWorkingMinutes(calendar, sh('2026-03-02 10:00'), Number.NaN)).toThrow(RangeError);
    expect(() => addWorkingMinutes(calendar, sh('2026-03-02 10:00'), Number.POSITIVE_INFINITY)).toThrow(
      RangeError,
    );
    expect(() => addWorkingMinutes(calendar, new Date(Number.NaN), 1)).toThrow(RangeError);
  });
});
