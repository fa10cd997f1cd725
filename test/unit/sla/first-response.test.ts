import { describe, expect, it } from 'vitest';
import type { ResponseLevel } from '../../../shared/catalog.ts';
import { clocksOf, fmt, fmtOrNull } from './fixtures.ts';

// Default policy: first response within 60/480/720/960/1440 working minutes (levels 1–5), at risk
// at 75 %. Default calendar Mon–Fri 09:00–12:00 + 13:00–18:00 Asia/Shanghai with statutory data.
// 2026: Spring Festival holiday Sun 15 – Mon 23 Feb, make-up Sat 14 and Sat 28 Feb;
// 中秋 Fri 25 – Sun 27 Sep, National Day Thu 1 – Wed 7 Oct, make-up Sun 20 Sep and Sat 10 Oct.
// March 2026 has no holidays: Mon 2 … Fri 6, Mon 9 …

type Case = [what: string, level: ResponseLevel, created: string, due: string, atRisk: string];

describe('first-response due and at-risk instants from creation', () => {
  it.each<Case>([
    // L1 Fri 17:30: 17:30–18:00 (30) + Mon 09:00–09:30 (30) = Mon 09:30; 45 min: 30 + 15 = Mon 09:15
    ['Friday 17:30, level 1', 1, '2026-03-06 17:30', '2026-03-09 09:30', '2026-03-09 09:15'],
    // L1 in the lunch break: clock starts 13:00; +60 = 14:00; +45 = 13:45
    ['during lunch, level 1', 1, '2026-03-02 12:20', '2026-03-02 14:00', '2026-03-02 13:45'],
    // L1 Mon 11:30: 11:30–12:00 (30) + 13:00–13:30 (30) = 13:30; 45 = 30 + 13:00–13:15
    ['before lunch, level 1', 1, '2026-03-02 11:30', '2026-03-02 13:30', '2026-03-02 13:15'],
    // L1 in the Spring Festival holiday (Wed 18 Feb): clock starts Tue 24 Feb 09:00 → 10:00; 09:45
    ['Spring Festival holiday, level 1', 1, '2026-02-18 10:00', '2026-02-24 10:00', '2026-02-24 09:45'],
    // L1 on the make-up Saturday 14 Feb (a working day): 10:00 + 1 h = Sat 11:00; 10:45
    ['make-up Saturday, level 1', 1, '2026-02-14 10:00', '2026-02-14 11:00', '2026-02-14 10:45'],
    // L2 Fri 13 Feb 14:00: Fri 14–18 (4 h) + Sat 14 09–12 (7 h) + 13–14 (8 h) = Sat 14:00;
    // 6 h = 4 + Sat 09–11 = Sat 11:00
    ['Friday before Spring Festival, level 2', 2, '2026-02-13 14:00', '2026-02-14 14:00', '2026-02-14 11:00'],
    // L3 make-up Sat 14 Feb 16:00: Sat 16–18 (2 h); holiday 15–23; Tue 24: 09–12 (5 h), 13–18 (10 h);
    // Wed 25 09–11 (12 h) = Wed 11:00. 9 h = 2 + Tue 09–12 (5) + 13–17 (9) = Tue 17:00
    ['make-up Saturday 16:00, level 3', 3, '2026-02-14 16:00', '2026-02-25 11:00', '2026-02-24 17:00'],
    // L5 Thu 12 Feb 09:00: Thu 8 h + Fri 8 h (16) + make-up Sat 8 h (24) = Sat 14 Feb 18:00;
    // 18 h = 16 + Sat 09:00–11:00 = Sat 11:00
    ['across the make-up Saturday, level 5', 5, '2026-02-12 09:00', '2026-02-14 18:00', '2026-02-14 11:00'],
    // L4 Wed 30 Sep 15:00: Wed 15–18 (3 h); 1–7 Oct holiday; Thu 8 Oct 8 h (11); Fri 9 Oct 09–12 (14),
    // 13–15 (16) = Fri 15:00. 12 h = 11 + Fri 09–10 = Fri 10:00
    ['before National Day, level 4', 4, '2026-09-30 15:00', '2026-10-09 15:00', '2026-10-09 10:00'],
    // L1 on National Day (Thu 1 Oct 08:00): clock starts Thu 8 Oct 09:00 → 10:00; 09:45
    ['National Day holiday, level 1', 1, '2026-10-01 08:00', '2026-10-08 10:00', '2026-10-08 09:45'],
    // L2 Fri 9 Oct 14:00: Fri 14–18 (4 h) + make-up Sat 10 Oct 09–12 (7) + 13–14 (8) = Sat 14:00;
    // 6 h = 4 + Sat 09–11 = Sat 11:00
    [
      'before the National Day make-up Saturday, level 2',
      2,
      '2026-10-09 14:00',
      '2026-10-10 14:00',
      '2026-10-10 11:00',
    ],
    // L1 on the make-up Sunday 20 Sep 17:30: Sun 17:30–18:00 (30) + Mon 21 Sep 09:00–09:30 = Mon 09:30
    ['make-up Sunday 17:30, level 1', 1, '2026-09-20 17:30', '2026-09-21 09:30', '2026-09-21 09:15'],
    // L3 Tue 3 Mar 09:00: Tue 8 h + Wed 09–12 (11 h) + 13–14 (12 h) = Wed 14:00; 9 h = Wed 10:00
    ['ordinary Tuesday, level 3', 3, '2026-03-03 09:00', '2026-03-04 14:00', '2026-03-04 10:00'],
    // L1 with seconds kept: Mon 10:15:30 + 1 h = 11:15:30; + 45 min = 11:00:30
    ['seconds kept, level 1', 1, '2026-03-02 10:15:30', '2026-03-02 11:15:30', '2026-03-02 11:00:30'],
  ])('%s: created %s → due %s', (_what, level, created, due, atRisk) => {
    const { clocks } = clocksOf({ level, created, now: created });
    const clock = clocks.firstResponse;
    expect(clock).toMatchObject({ target: 'firstResponse', unit: 'working', state: 'running' });
    expect(clock.budgetMinutes).toBe([60, 480, 720, 960, 1440][level - 1]);
    expect(fmtOrNull(clock.dueAt)).toBe(due);
    expect(fmtOrNull(clock.atRiskAt)).toBe(atRisk);
    expect(fmt(clock.startedAt)).toBe(created);
  });
});

describe('first-response states at `now` and at completion', () => {
  // Level 1 created Mon 2 Mar 10:00: due 11:00, at risk 10:45.
  const created = '2026-03-02 10:00';
  type StateCase = [what: string, now: string, firstResponse: string | undefined, expected: object];
  it.each<StateCase>([
    // 10:00–10:20 = 20 min elapsed, 40 left
    [
      'running before at-risk',
      '2026-03-02 10:20',
      undefined,
      { state: 'running', elapsedMinutes: 20, remainingMinutes: 40 },
    ],
    // 10:50: 50 elapsed; at risk since 10:45 but still running
    [
      'running after at-risk',
      '2026-03-02 10:50',
      undefined,
      { state: 'running', elapsedMinutes: 50, remainingMinutes: 10 },
    ],
    // exactly 11:00 without a response: the budget is used up → breached
    [
      'breached at the due instant',
      '2026-03-02 11:00',
      undefined,
      { state: 'breached', elapsedMinutes: 60, remainingMinutes: 0 },
    ],
    // 11:30: 90 elapsed, 30 over
    [
      'breached after',
      '2026-03-02 11:30',
      undefined,
      { state: 'breached', elapsedMinutes: 90, remainingMinutes: -30 },
    ],
    // response at 10:40: 40 min of 60 → met
    [
      'met early',
      '2026-03-02 15:00',
      '2026-03-02 10:40',
      { state: 'met', elapsedMinutes: 40, remainingMinutes: 20 },
    ],
    // response exactly at 11:00: met (the promise is "by 11:00")
    [
      'met at the due instant',
      '2026-03-02 15:00',
      '2026-03-02 11:00',
      { state: 'met', elapsedMinutes: 60, remainingMinutes: 0 },
    ],
    // 11:00:30: 30 s late → missed, elapsed 60.5
    [
      'missed by 30 seconds',
      '2026-03-02 15:00',
      '2026-03-02 11:00:30',
      { state: 'missed', elapsedMinutes: 60.5, remainingMinutes: -0.5 },
    ],
    // 13:20: 10:00–12:00 (120) + 13:00–13:20 (20) = 140 → missed by 80
    [
      'missed across lunch',
      '2026-03-02 15:00',
      '2026-03-02 13:20',
      { state: 'missed', elapsedMinutes: 140, remainingMinutes: -80 },
    ],
    // a response recorded after `now` is not yet in effect: at 10:30 the clock still runs
    [
      'response after now ignored',
      '2026-03-02 10:30',
      '2026-03-02 10:40',
      { state: 'running', elapsedMinutes: 30 },
    ],
  ])('%s', (_what, now, firstResponse, expected) => {
    const { clocks } = clocksOf({ level: 1, created, now, ...(firstResponse && { firstResponse }) });
    expect(clocks.firstResponse).toMatchObject(expected);
    expect(fmtOrNull(clocks.firstResponse.dueAt)).toBe('2026-03-02 11:00');
    expect(fmtOrNull(clocks.firstResponse.completedAt)).toBe(
      firstResponse && firstResponse <= now ? firstResponse : null,
    );
  });

  it('a due time on a period end: breached over the weekend with no working minute over', () => {
    // L1 Fri 6 Mar 17:00 + 60 = Fri 18:00. Sat 10:00: elapsed 60 (no working time after 18:00), breached.
    const sat = clocksOf({ level: 1, created: '2026-03-06 17:00', now: '2026-03-07 10:00' });
    expect(sat.clocks.firstResponse).toMatchObject({
      state: 'breached',
      elapsedMinutes: 60,
      remainingMinutes: 0,
    });
    expect(fmtOrNull(sat.clocks.firstResponse.dueAt)).toBe('2026-03-06 18:00');
    // Answered Mon 09:05: 60 + 5 = 65 → missed by 5 working minutes.
    const mon = clocksOf({
      level: 1,
      created: '2026-03-06 17:00',
      now: '2026-03-09 12:00',
      firstResponse: '2026-03-09 09:05',
    });
    expect(mon.clocks.firstResponse).toMatchObject({
      state: 'missed',
      elapsedMinutes: 65,
      remainingMinutes: -5,
    });
  });

  it('does not pause while waiting for the customer: a first response cannot wait for the customer', () => {
    // L2 Mon 2 Mar 09:00 + 480 = Mon 18:00. waitingCustomer from 10:00 changes nothing; at 15:00
    // 09–12 (180) + 13–15 (120) = 300 elapsed.
    const { clocks } = clocksOf({
      level: 2,
      created: '2026-03-02 09:00',
      now: '2026-03-02 15:00',
      statuses: [
        ['2026-03-02 09:00', 'triage'],
        ['2026-03-02 10:00', 'waitingCustomer'],
      ],
    });
    expect(clocks.firstResponse).toMatchObject({
      state: 'running',
      elapsedMinutes: 300,
      remainingMinutes: 180,
    });
    expect(fmtOrNull(clocks.firstResponse.dueAt)).toBe('2026-03-02 18:00');
  });

  it('is completed by closing the ticket without a reply (the customer confirmed the closure)', () => {
    // L3 Mon 09:00, closed 10:00: 60 of 720 → met at 10:00
    const result = clocksOf({
      level: 3,
      created: '2026-03-02 09:00',
      now: '2026-03-03 12:00',
      statuses: [
        ['2026-03-02 09:00', 'triage'],
        ['2026-03-02 10:00', 'closed'],
      ],
    });
    expect(result.clocks.firstResponse).toMatchObject({ state: 'met', elapsedMinutes: 60 });
    expect(fmtOrNull(result.clocks.firstResponse.completedAt)).toBe('2026-03-02 10:00');
    expect(result.nextEscalation).toBeNull();
  });

  it('met keeps the promised due time (counted on from the completion) for display', () => {
    // L1 Fri 17:30 → due Mon 09:30; answered Fri 17:50 (20 min, 40 left): 17:50 + 40 = Mon 09:30
    const { clocks } = clocksOf({
      level: 1,
      created: '2026-03-06 17:30',
      now: '2026-03-09 12:00',
      firstResponse: '2026-03-06 17:50',
    });
    expect(clocks.firstResponse.state).toBe('met');
    expect(fmtOrNull(clocks.firstResponse.dueAt)).toBe('2026-03-09 09:30');
    // never crossed 45 min before the completion
    expect(clocks.firstResponse.atRiskAt).toBeNull();
  });
});
