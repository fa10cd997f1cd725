import { describe, expect, it } from 'vitest';
import type { ResponseLevel } from '../../../shared/catalog.ts';
import { defaultSlaPolicy, parseSlaPolicies, selectPolicy } from '../../../shared/sla/policy.ts';
import { clocksOf, fmt, fmtOrNull } from './fixtures.ts';

// A level or policy change is a recomputation from the same history with the new level or policy:
// the targets count from creation (the agreement's promise is from the report), pauses included.

describe('level change', () => {
  // Created Mon 2 Mar 10:00 at level 3 (due 10:00 + 12 h: Mon 7 h + Tue 09–12 (10 h) + 13–15 = Tue 3 Mar 15:00).
  type Case = [level: ResponseLevel, now: string, due: string, state: string];
  it.each<Case>([
    // level 3 at 10:20
    [3, '2026-03-02 10:20', '2026-03-03 15:00', 'running'],
    // raised to level 1 at 10:20: due 10:00 + 1 h = 11:00, still running
    [1, '2026-03-02 10:20', '2026-03-02 11:00', 'running'],
    // raised to level 1 at 11:30: the level-1 promise is already past → breached at 11:00
    [1, '2026-03-02 11:30', '2026-03-02 11:00', 'breached'],
    // level 2: 10:00 + 8 h = Mon 10–18 (7 h) + Tue 09–10 = Tue 10:00
    [2, '2026-03-02 11:30', '2026-03-03 10:00', 'running'],
    // lowered to level 5: 10:00 + 24 h = Mon 7 + Tue 8 + Wed 8 + Thu 09–10 = Thu 5 Mar 10:00
    [5, '2026-03-02 11:30', '2026-03-05 10:00', 'running'],
  ])('level %i at %s → due %s (%s)', (level, now, due, state) => {
    const { clocks } = clocksOf({ level, created: '2026-03-02 10:00', now });
    expect(fmtOrNull(clocks.firstResponse.dueAt)).toBe(due);
    expect(clocks.firstResponse.state).toBe(state);
  });

  it('recomputes pauses with the new budget too', () => {
    // resolution L2 1440 / L1 480, history with a waitingCustomer pause Mon 12:00 – Tue 09:00 on a
    // ticket created Mon 2 Mar 09:00: counted before the pause 09–12 = 180.
    const [policy] = parseSlaPolicies([
      { id: 'p', name: '策略', levels: { 1: { resolutionMinutes: 480 }, 2: { resolutionMinutes: 1440 } } },
    ]);
    const run = (level: ResponseLevel) =>
      clocksOf({
        level,
        policy: policy!,
        created: '2026-03-02 09:00',
        now: '2026-03-03 09:30',
        firstResponse: '2026-03-02 09:20',
        statuses: [
          ['2026-03-02 09:00', 'inProgress'],
          ['2026-03-02 12:00', 'waitingCustomer'],
          ['2026-03-03 09:00', 'inProgress'],
        ],
      }).clocks.resolution;
    // L1: 300 remain from Tue 09:00 → 09–12 (180), 13:00–15:00 (300) = Tue 15:00
    expect(fmtOrNull(run(1)?.dueAt)).toBe('2026-03-03 15:00');
    // L2: 1260 remain from Tue 09:00 → Tue 480, Wed 480 (960), Thu 09–12 (1140), 13:00–15:00 = Thu 15:00
    expect(fmtOrNull(run(2)?.dueAt)).toBe('2026-03-05 15:00');
    expect(run(1)?.elapsedMinutes).toBe(210);
    expect(run(2)?.elapsedMinutes).toBe(210);
  });

  it('is deterministic: the same input gives the same output', () => {
    const a = clocksOf({ level: 2, created: '2026-02-13 14:00', now: '2026-02-14 12:00' });
    const b = clocksOf({ level: 2, created: '2026-02-13 14:00', now: '2026-02-14 12:00' });
    expect(a).toEqual(b);
    expect(fmt(a.evaluatedAt)).toBe('2026-02-14 12:00');
    expect(a.level).toBe(2);
    expect(a.policyId).toBe('default');
  });
});

describe('policy per contract tier', () => {
  const policies = parseSlaPolicies([
    { id: 'default', name: '标准服务协议' },
    { id: 'gold', name: '金牌服务', tier: 'gold', levels: { 1: { firstResponseMinutes: 30 } } },
    { id: 'silver', name: '银牌服务', tier: 'silver', levels: { 1: { firstResponseMinutes: 45 } } },
  ]);

  it.each([
    ['gold', 'gold'],
    [' gold ', 'gold'],
    ['silver', 'silver'],
    ['standard', 'default'],
    ['GOLD', 'default'], // tiers are compared exactly
    [undefined, 'default'],
    ['', 'default'],
  ])('tier %j → policy %s', (tier, id) => {
    expect(selectPolicy(policies, tier).id).toBe(id);
  });

  it('falls back to the built-in default when the list has none', () => {
    expect(selectPolicy([], 'gold')).toBe(defaultSlaPolicy);
    expect(selectPolicy(policies.slice(1), 'bronze')).toBe(defaultSlaPolicy);
  });

  it('changes the due time: level 1 Mon 10:00 → gold 10:30, silver 10:45, standard 11:00', () => {
    const due = (tier: string) =>
      fmtOrNull(
        clocksOf({
          level: 1,
          policy: selectPolicy(policies, tier),
          created: '2026-03-02 10:00',
          now: '2026-03-02 10:00',
        }).clocks.firstResponse.dueAt,
      );
    expect([due('gold'), due('silver'), due('standard')]).toEqual([
      '2026-03-02 10:30',
      '2026-03-02 10:45',
      '2026-03-02 11:00',
    ]);
  });
});
