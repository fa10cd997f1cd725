import { describe, expect, it } from 'vitest';
import { firedSlaEvents } from '../../../shared/sla/fired-events.ts';
import { parseSlaPolicy } from '../../../shared/sla/policy.ts';
import type { TicketStatus } from '../../../shared/ticket/status.ts';
import { clocksOf, fmt, fmtOrNull } from './fixtures.ts';

// nextEscalation = the earliest pending instant among at-risk (not yet reached) and breach (not yet
// reached) of running clocks; it becomes the ticket's nextEscalationAt. firedSlaEvents lists what
// has happened and still matters, for an idempotent sweep.

const points = (r: ReturnType<typeof clocksOf>) => r.pending.map((p) => `${p.target} ${p.kind} ${fmt(p.at)}`);

describe('nextEscalation and pending points', () => {
  it('level 1 Fri 17:30 with an on-site request at 17:40: on-site at risk comes first', () => {
    // first response: due Mon 9 Mar 09:30, at risk Mon 09:15 (see first-response.test.ts)
    // on site: 48 calendar h from Fri 17:40 = Sun 8 Mar 17:40; 75 % = 36 h = Sun 05:40
    const r = clocksOf({
      level: 1,
      created: '2026-03-06 17:30',
      now: '2026-03-06 17:45',
      onSite: { required: '2026-03-06 17:40' },
    });
    expect(points(r)).toEqual([
      'onSite atRisk 2026-03-08 05:40',
      'onSite breach 2026-03-08 17:40',
      'firstResponse atRisk 2026-03-09 09:15',
      'firstResponse breach 2026-03-09 09:30',
    ]);
    expect(r.nextEscalation).toEqual(r.pending[0]);
    expect(fmtOrNull(r.nextEscalation?.at)).toBe('2026-03-08 05:40');
  });

  it.each([
    // level 1 created Mon 2 Mar 10:00: at risk 10:45, due 11:00
    ['2026-03-02 10:00', 'firstResponse atRisk 2026-03-02 10:45'],
    ['2026-03-02 10:44', 'firstResponse atRisk 2026-03-02 10:45'],
    // at 10:45 the at-risk instant has come: only the breach is pending
    ['2026-03-02 10:45', 'firstResponse breach 2026-03-02 11:00'],
    ['2026-03-02 10:59:59', 'firstResponse breach 2026-03-02 11:00'],
    // at 11:00 breached: nothing pending
    ['2026-03-02 11:00', null],
  ])('at %s the next escalation is %s', (now, next) => {
    const r = clocksOf({ level: 1, created: '2026-03-02 10:00', now });
    const n = r.nextEscalation;
    expect(n ? `${n.target} ${n.kind} ${fmt(n.at)}` : null).toBe(next);
  });

  it('nothing is pending for paused or completed clocks', () => {
    const policy = parseSlaPolicy({ id: 'p', name: '策略', levels: { 2: { resolutionMinutes: 960 } } });
    // first response met at 09:30; resolution paused (waitingCustomer) → nothing pending
    const r = clocksOf({
      level: 2,
      policy,
      created: '2026-03-02 09:00',
      now: '2026-03-02 11:00',
      firstResponse: '2026-03-02 09:30',
      statuses: [
        ['2026-03-02 09:00', 'triage'],
        ['2026-03-02 10:00', 'waitingCustomer'],
      ],
    });
    expect(r.clocks.firstResponse.state).toBe('met');
    expect(r.clocks.resolution?.state).toBe('paused');
    expect(r.nextEscalation).toBeNull();
    // resumed at 14:00 with 60 of 960 counted: 900 remain → 14–18 (240), Tue 8 h (720), Wed 09–12 (900) = Wed 12:00;
    // at risk at 720: 60 + 240 + Tue 09–12, 13–17 (480) = Tue 17:00
    const resumed = clocksOf({
      level: 2,
      policy,
      created: '2026-03-02 09:00',
      now: '2026-03-02 14:00',
      firstResponse: '2026-03-02 09:30',
      statuses: [
        ['2026-03-02 09:00', 'triage'],
        ['2026-03-02 10:00', 'waitingCustomer'],
        ['2026-03-02 14:00', 'inProgress'],
      ],
    });
    expect(points(resumed)).toEqual([
      'resolution atRisk 2026-03-03 17:00',
      'resolution breach 2026-03-04 12:00',
    ]);
  });
});

describe('firedSlaEvents and stable instants', () => {
  const policy = parseSlaPolicy({ id: 'p', name: '策略', levels: { 3: { resolutionMinutes: 960 } } });
  // level 3 created Mon 2 Mar 09:00, first response 09:30, inProgress from 09:30.
  // resolution 960, at risk 720: Mon 8 h + Tue 09–12 (660) + 13–14 (720) = Tue 14:00; due Tue 18:00.
  const statuses: Array<[string, TicketStatus]> = [
    ['2026-03-02 09:00', 'triage'],
    ['2026-03-02 09:30', 'inProgress'],
  ];
  const run = (now: string, more: typeof statuses = []) =>
    clocksOf({
      level: 3,
      policy,
      created: '2026-03-02 09:00',
      now,
      statuses: [...statuses, ...more],
      firstResponse: '2026-03-02 09:30',
    });
  const fired = (r: ReturnType<typeof clocksOf>) =>
    firedSlaEvents(r).map((e) => `${e.target} ${e.kind} ${fmt(e.at)}`);

  it.each([
    ['2026-03-03 13:59', []],
    ['2026-03-03 14:00', ['resolution atRisk 2026-03-03 14:00']],
    ['2026-03-03 17:59', ['resolution atRisk 2026-03-03 14:00']],
    // breached: the breach supersedes the at-risk
    ['2026-03-03 18:00', ['resolution breach 2026-03-03 18:00']],
    ['2026-03-05 10:00', ['resolution breach 2026-03-03 18:00']],
  ])('at %s: %j', (now, expected) => {
    expect(fired(run(now))).toEqual(expected);
  });

  it('an at-risk instant in the past does not move when a pause shifts the due time', () => {
    // waitingCustomer Tue 15:00 – Wed 10:00: counted by 15:00 = 480 + 180 + 120 = 780; 180 remain from
    // Wed 10:00 → 10–12 (120), 13:00–14:00 = Wed 14:00
    const more: typeof statuses = [
      ['2026-03-03 15:00', 'waitingCustomer'],
      ['2026-03-04 10:00', 'inProgress'],
    ];
    const before = run('2026-03-03 14:30');
    const after = run('2026-03-04 10:30', more);
    expect(fmtOrNull(after.clocks.resolution?.dueAt)).toBe('2026-03-04 14:00');
    expect(fired(before)).toEqual(fired(after)); // same at-risk instant → same dedupe key
    // while paused the at-risk is not re-fired (nobody can hurry the customer)
    expect(fired(run('2026-03-03 16:00', more))).toEqual([]);
  });

  it('a breach instant is frozen: later recomputation (even paused) gives the same event', () => {
    const at18 = run('2026-03-03 18:30');
    const pausedLater = run('2026-03-04 12:00', [['2026-03-04 09:30', 'waitingCustomer']]);
    expect(pausedLater.clocks.resolution?.state).toBe('breached');
    expect(fired(pausedLater)).toEqual(fired(at18));
  });
});

describe('on-site promise (level 1, 48 calendar hours, holidays ignored)', () => {
  type Case = [
    what: string,
    required: string,
    arrived: string | undefined,
    now: string,
    expected: object,
    due: string,
  ];
  it.each<Case>([
    // Fri 6 Mar 17:00 + 48 h = Sun 8 Mar 17:00; Sat 12:00: 19 h elapsed = 1140 min
    [
      'running',
      '2026-03-06 17:00',
      undefined,
      '2026-03-07 12:00',
      { state: 'running', elapsedMinutes: 1140, remainingMinutes: 1740 },
      '2026-03-08 17:00',
    ],
    // arrived Sun 16:00: 47 h = 2820 min → met
    [
      'met',
      '2026-03-06 17:00',
      '2026-03-08 16:00',
      '2026-03-09 09:00',
      { state: 'met', elapsedMinutes: 2820, remainingMinutes: 60 },
      '2026-03-08 17:00',
    ],
    // arrived Sun 18:00: 49 h → missed by 60
    [
      'missed',
      '2026-03-06 17:00',
      '2026-03-08 18:00',
      '2026-03-09 09:00',
      { state: 'missed', elapsedMinutes: 2940, remainingMinutes: -60 },
      '2026-03-08 17:00',
    ],
    // no arrival by Sun 17:30 → breached
    [
      'breached',
      '2026-03-06 17:00',
      undefined,
      '2026-03-08 17:30',
      { state: 'breached', elapsedMinutes: 2910, remainingMinutes: -30 },
      '2026-03-08 17:00',
    ],
    // Spring Festival changes nothing: Sat 14 Feb 18:00 + 48 h = Mon 16 Feb 18:00 (a holiday)
    [
      'over the Spring Festival',
      '2026-02-14 18:00',
      undefined,
      '2026-02-15 18:00',
      { state: 'running', elapsedMinutes: 1440 },
      '2026-02-16 18:00',
    ],
  ])('%s', (_what, required, arrived, now, expected, due) => {
    const r = clocksOf({
      level: 1,
      created: '2026-02-01 10:00',
      now,
      firstResponse: '2026-02-02 09:10',
      onSite: { required, ...(arrived && { arrived }) },
    });
    const clock = r.clocks.onSite;
    expect(clock).toMatchObject({ target: 'onSite', unit: 'calendar', budgetMinutes: 2880, ...expected });
    expect(fmtOrNull(clock?.dueAt)).toBe(due);
    expect(fmt(clock!.startedAt)).toBe(required);
  });

  it('at risk at 75 % = 36 calendar hours', () => {
    const r = clocksOf({
      level: 1,
      created: '2026-03-06 10:00',
      now: '2026-03-06 17:00',
      onSite: { required: '2026-03-06 17:00' },
    });
    // Fri 17:00 + 36 h = Sun 05:00
    expect(fmtOrNull(r.clocks.onSite?.atRiskAt)).toBe('2026-03-08 05:00');
  });

  it('is not tracked below level 1, nor before it is requested', () => {
    expect(
      clocksOf({
        level: 2,
        created: '2026-03-06 10:00',
        now: '2026-03-07 10:00',
        onSite: { required: '2026-03-06 17:00' },
      }).clocks.onSite,
    ).toBeUndefined();
    expect(
      clocksOf({
        level: 1,
        created: '2026-03-06 10:00',
        now: '2026-03-06 16:00',
        onSite: { required: '2026-03-06 17:00' },
      }).clocks.onSite,
    ).toBeUndefined();
  });

  it('follows the policy’s onSiteCalendarHours', () => {
    const policy = parseSlaPolicy({ id: 'gold', name: '金牌', tier: 'gold', onSiteCalendarHours: 24 });
    const r = clocksOf({
      level: 1,
      policy,
      created: '2026-03-06 10:00',
      now: '2026-03-06 17:00',
      onSite: { required: '2026-03-06 17:00' },
    });
    expect(fmtOrNull(r.clocks.onSite?.dueAt)).toBe('2026-03-07 17:00');
  });
});
