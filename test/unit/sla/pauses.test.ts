import { describe, expect, it } from 'vitest';
import { parseSlaPolicy } from '../../../shared/sla/policy.ts';
import type { TicketStatus } from '../../../shared/ticket/status.ts';
import { clocksOf, fmtOrNull } from './fixtures.ts';

// Pauses come from the status history: next-update and resolution clocks stop while the status is
// waitingCustomer or solutionProposed (default pausedStatuses) and while the ticket is closed.
// March 2026 has no holidays: Mon 2 … Fri 6, Sat 7, Sun 8, Mon 9, Tue 10 …
const policy = parseSlaPolicy({
  id: 'with-resolution',
  name: '含解决时限',
  levels: {
    2: { firstResponseMinutes: 480, nextUpdateMinutes: 240, resolutionMinutes: 1440 },
    3: { firstResponseMinutes: 720, resolutionMinutes: 960 },
  },
});

describe('resolution clock with a waitingCustomer pause spanning a weekend (level 2, 24 working hours)', () => {
  // Thu 5 Mar 09:00 created; inProgress 09:30; waitingCustomer Fri 6 Mar 16:00; inProgress Mon 9 Mar 11:00.
  // Counted before the pause: Thu 8 h + Fri 09–12 (3) + 13–16 (3) = 14 h = 840 min.
  // Paused Fri 16:00 – Mon 11:00 (Fri 16–18 and Mon 09–11 do not count).
  // After the resume 600 min remain: Mon 11–12 (1 h), 13–18 (6 h), Tue 09–12 (9 h), 13–14 (10 h) = Tue 10 Mar 14:00.
  // At risk at 75 % = 1080 min = 18 h: 14 h + Mon 11–12 (15) + 13–16 (18) = Mon 16:00.
  // Without the pause it would be Thu 8 + Fri 8 + Mon 8 = Mon 9 Mar 18:00.
  const statuses: Array<[string, TicketStatus]> = [
    ['2026-03-05 09:00', 'triage'],
    ['2026-03-05 09:30', 'inProgress'],
    ['2026-03-06 16:00', 'waitingCustomer'],
    ['2026-03-09 11:00', 'inProgress'],
  ];
  const at = (now: string) =>
    clocksOf({
      level: 2,
      policy,
      created: '2026-03-05 09:00',
      now,
      statuses,
      firstResponse: '2026-03-05 09:30',
    }).clocks.resolution;

  it.each([
    // now, state, dueAt, atRiskAt, elapsed
    // Fri 15:00: Thu 8 h + Fri 09–12, 13–15 (5 h) = 13 h; running; due/at risk as if no pause came:
    // Fri 15–18 (16 h) + Mon 09–11 (18 h, at risk) … 13–18 (24 h) = Mon 18:00
    ['2026-03-06 15:00', 'running', '2026-03-09 18:00', '2026-03-09 11:00', 780],
    // Sat: paused, the remaining 600 min are known, the instant is not
    ['2026-03-07 10:00', 'paused', null, null, 840],
    // Mon 10:00, still waiting: Mon 09–10 does not count
    ['2026-03-09 10:00', 'paused', null, null, 840],
    // Mon 12:00 after the resume at 11:00: 840 + 60 = 900
    ['2026-03-09 12:00', 'running', '2026-03-10 14:00', '2026-03-09 16:00', 900],
    // Tue 14:00 exactly: 900 + Mon 13–18 (300) + Tue 09–12 (180) + 13–14 (60) = 1440 → breached
    ['2026-03-10 14:00', 'breached', '2026-03-10 14:00', '2026-03-09 16:00', 1440],
  ] as const)('at %s: %s, due %s', (now, state, due, atRisk, elapsed) => {
    const clock = at(now);
    expect(clock?.state).toBe(state);
    expect(fmtOrNull(clock?.dueAt)).toBe(due);
    expect(fmtOrNull(clock?.atRiskAt)).toBe(atRisk);
    expect(clock?.elapsedMinutes).toBe(elapsed);
    expect(clock?.remainingMinutes).toBe(1440 - elapsed);
  });
});

describe('resolution clock with several pauses (level 3, 16 working hours, at risk at 12 h)', () => {
  // Mon 2 Mar 09:00 assigned
  //   10:00 waitingCustomer  (counted 09–10: 1 h)
  //   14:00 inProgress       (paused 10–12, 13–14)
  //   16:00 solutionProposed (counted 14–16: 3 h)
  // Tue 3 Mar 10:00 inProgress (paused Mon 16–18, Tue 09–10)
  //   11:00 waitingCustomer  (counted 10–11: 4 h = 240 min)
  //   15:00 inProgress       (paused 11–12, 13–15)
  // From Tue 15:00 720 min remain: Tue 15–18 (3 h), Wed 8 h (11 h), Thu 09–10 (12 h) = Thu 5 Mar 10:00.
  // At risk at 720 min elapsed: 240 + Tue 180 = 420 + Wed 09–12 (600) + 13–15 (720) = Wed 15:00.
  const base: Array<[string, TicketStatus]> = [
    ['2026-03-02 09:00', 'assigned'],
    ['2026-03-02 10:00', 'waitingCustomer'],
    ['2026-03-02 14:00', 'inProgress'],
    ['2026-03-02 16:00', 'solutionProposed'],
    ['2026-03-03 10:00', 'inProgress'],
    ['2026-03-03 11:00', 'waitingCustomer'],
    ['2026-03-03 15:00', 'inProgress'],
  ];
  const run = (now: string, more: typeof base = []) =>
    clocksOf({
      level: 3,
      policy,
      created: '2026-03-02 09:00',
      now,
      statuses: [...base, ...more],
      firstResponse: '2026-03-02 09:30',
    }).clocks.resolution!;

  it('at the last resume: 240 min counted, due Thu 10:00, at risk Wed 15:00', () => {
    const clock = run('2026-03-03 15:00');
    expect(clock).toMatchObject({ state: 'running', elapsedMinutes: 240, remainingMinutes: 720 });
    expect(fmtOrNull(clock.dueAt)).toBe('2026-03-05 10:00');
    expect(fmtOrNull(clock.atRiskAt)).toBe('2026-03-04 15:00');
  });

  it('met: closed Wed 17:00 = 240 + Tue 180 + Wed 420 = 840 of 960', () => {
    const clock = run('2026-03-06 12:00', [['2026-03-04 17:00', 'closed']]);
    expect(clock).toMatchObject({ state: 'met', elapsedMinutes: 840, remainingMinutes: 120 });
    expect(fmtOrNull(clock.completedAt)).toBe('2026-03-04 17:00');
    expect(fmtOrNull(clock.atRiskAt)).toBe('2026-03-04 15:00'); // crossed before the closure
    expect(fmtOrNull(clock.dueAt)).toBe('2026-03-05 10:00'); // 17:00 + 120 = Thu 10:00
  });

  it('missed: closed Thu 11:00 = 240 + 180 + 480 + 120 = 1020, 60 over', () => {
    const clock = run('2026-03-06 12:00', [['2026-03-05 11:00', 'closed']]);
    expect(clock).toMatchObject({ state: 'missed', elapsedMinutes: 1020, remainingMinutes: -60 });
    expect(fmtOrNull(clock.dueAt)).toBe('2026-03-05 10:00');
  });

  it('breached stays breached when paused after the due time, with its due instant', () => {
    // waitingCustomer Thu 10:30: counted up to 10:30 = 240 + 180 + 480 + 90 = 990
    const clock = run('2026-03-05 11:00', [['2026-03-05 10:30', 'waitingCustomer']]);
    expect(clock).toMatchObject({ state: 'breached', elapsedMinutes: 990, remainingMinutes: -30 });
    expect(fmtOrNull(clock.dueAt)).toBe('2026-03-05 10:00');
  });

  it('a pause before the due time moves it: waitingCustomer Wed 16:00 – Thu 09:30', () => {
    // Counted by Wed 16:00: 240 + 180 + Wed 09–12, 13–16 (360) = 780; 180 remain from Thu 09:30:
    // 09:30–12:00 (150) + 13:00–13:30 (30) = Thu 13:30
    const clock = run('2026-03-05 10:00', [
      ['2026-03-04 16:00', 'waitingCustomer'],
      ['2026-03-05 09:30', 'inProgress'],
    ]);
    expect(clock).toMatchObject({ state: 'running', elapsedMinutes: 810, remainingMinutes: 150 });
    expect(fmtOrNull(clock.dueAt)).toBe('2026-03-05 13:30');
    expect(fmtOrNull(clock.atRiskAt)).toBe('2026-03-04 15:00'); // crossed before the pause, unchanged
  });

  it('a closed stretch that is reopened counts as a pause; the clock resumes with what was left', () => {
    // closed Wed 10:00 (counted 240 + 180 + Wed 09–10 = 480); reopened Mon 9 Mar 09:00 → 480 remain:
    // Mon 09–18 = Mon 18:00
    const clock = run('2026-03-09 09:30', [
      ['2026-03-04 10:00', 'closed'],
      ['2026-03-09 09:00', 'reopened'],
    ]);
    expect(clock).toMatchObject({ state: 'running', elapsedMinutes: 510, remainingMinutes: 450 });
    expect(fmtOrNull(clock.dueAt)).toBe('2026-03-09 18:00');
    expect(clock.completedAt).toBeUndefined();
  });

  it('closed then ended is one stretch: completed when it was closed', () => {
    const clock = run('2026-04-10 12:00', [
      ['2026-03-04 17:00', 'closed'],
      ['2026-03-05 09:00', 'ended'],
    ]);
    expect(fmtOrNull(clock.completedAt)).toBe('2026-03-04 17:00');
    expect(clock.state).toBe('met');
  });

  it('an explicit resolvedAt wins over the history', () => {
    // resolved Wed 09:00 while still inProgress: 240 + 180 = 420 → met
    const result = clocksOf({
      level: 3,
      policy,
      created: '2026-03-02 09:00',
      now: '2026-03-04 12:00',
      statuses: base,
      firstResponse: '2026-03-02 09:30',
      resolved: '2026-03-04 09:00',
    });
    expect(result.clocks.resolution).toMatchObject({ state: 'met', elapsedMinutes: 420 });
  });
});

describe('next-update clock (level 2: every 240 working minutes after a vendor reply)', () => {
  // Mon 2 Mar 09:00 created (triage), assigned 09:10, first response 09:30 → inProgress, reply 13:30.
  const statuses: Array<[string, TicketStatus]> = [
    ['2026-03-02 09:00', 'triage'],
    ['2026-03-02 09:10', 'assigned'],
    ['2026-03-02 09:30', 'inProgress'],
  ];
  const run = (now: string, more: typeof statuses = [], updates = ['2026-03-02 09:30', '2026-03-02 13:30']) =>
    clocksOf({
      level: 2,
      policy,
      created: '2026-03-02 09:00',
      now,
      statuses: [...statuses, ...more],
      firstResponse: '2026-03-02 09:30',
      updates,
    }).clocks.nextUpdate;

  it('does not exist before the first response', () => {
    const result = clocksOf({
      level: 2,
      policy,
      created: '2026-03-02 09:00',
      now: '2026-03-02 09:20',
      statuses,
    });
    expect(result.clocks.nextUpdate).toBeUndefined();
  });

  it('runs from the last reply: 13:30 + 240 = 17:30, at risk 16:30', () => {
    const clock = run('2026-03-02 15:00');
    expect(clock).toMatchObject({ state: 'running', elapsedMinutes: 90, remainingMinutes: 150 });
    expect(fmtOrNull(clock?.startedAt)).toBe('2026-03-02 13:30');
    expect(fmtOrNull(clock?.dueAt)).toBe('2026-03-02 17:30');
    expect(fmtOrNull(clock?.atRiskAt)).toBe('2026-03-02 16:30');
  });

  it('pauses while waiting for the customer: 14:00 – Tue 10:00', () => {
    // counted 13:30–14:00 (30) + Tue 10:00–10:30 (30) = 60; 180 remain from 10:30: 10:30–12 (90) + 13–14:30 = Tue 14:30
    const more: typeof statuses = [
      ['2026-03-02 14:00', 'waitingCustomer'],
      ['2026-03-03 10:00', 'inProgress'],
    ];
    expect(run('2026-03-02 17:00', more)).toMatchObject({ state: 'paused', elapsedMinutes: 30, dueAt: null });
    const clock = run('2026-03-03 10:30', more);
    expect(clock).toMatchObject({ state: 'running', elapsedMinutes: 60, remainingMinutes: 180 });
    expect(fmtOrNull(clock?.dueAt)).toBe('2026-03-03 14:30');
    // at risk at 180: 30 + Tue 10–12 (150) + 13:00–13:30 (180) = Tue 13:30
    expect(fmtOrNull(clock?.atRiskAt)).toBe('2026-03-03 13:30');
    // no reply by 15:00: breached
    expect(run('2026-03-03 15:00', more)?.state).toBe('breached');
    // a reply at 15:00 starts a new cycle: Tue 15–18 (180) + Wed 09–10 = Wed 10:00
    const next = run('2026-03-03 15:10', more, ['2026-03-02 09:30', '2026-03-02 13:30', '2026-03-03 15:00']);
    expect(next).toMatchObject({ state: 'running', elapsedMinutes: 10 });
    expect(fmtOrNull(next?.dueAt)).toBe('2026-03-04 10:00');
  });

  it('is completed by closing the ticket', () => {
    // closed 16:00: 13:30–16:00 = 150 of 240 → met
    const clock = run('2026-03-03 12:00', [['2026-03-02 16:00', 'closed']]);
    expect(clock).toMatchObject({ state: 'met', elapsedMinutes: 150 });
    expect(fmtOrNull(clock?.completedAt)).toBe('2026-03-02 16:00');
  });
});

describe('custom paused statuses', () => {
  it('apply uniformly to next update and resolution, never to first response', () => {
    // A policy that also pauses in triage. L3 created Mon 2 Mar 09:00 in triage, assigned 11:00.
    // resolution (960) counts from 11:00: at 12:00 elapsed 60; first response counts from 09:00: 180.
    const triagePaused = parseSlaPolicy({
      id: 'p',
      name: '分拣暂停',
      pausedStatuses: ['triage', 'waitingCustomer'],
      levels: { 3: { resolutionMinutes: 960 } },
    });
    const { clocks } = clocksOf({
      level: 3,
      policy: triagePaused,
      created: '2026-03-02 09:00',
      now: '2026-03-02 12:00',
      statuses: [
        ['2026-03-02 09:00', 'triage'],
        ['2026-03-02 11:00', 'assigned'],
      ],
    });
    expect(clocks.resolution?.elapsedMinutes).toBe(60);
    expect(clocks.firstResponse.elapsedMinutes).toBe(180);
  });
});
