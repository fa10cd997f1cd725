import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResponseLevel } from '../../../shared/catalog.ts';
import { computeSlaClocks, type SlaClockInput } from '../../../shared/sla/compute-sla-clocks.ts';
import { parseSlaPolicy } from '../../../shared/sla/policy.ts';
import type { TicketStatus } from '../../../shared/ticket/status.ts';
import { calendar } from './fixtures.ts';

// Random tickets in 2024–2026 (second resolution) with up to 8 status changes over ~2 weeks.
const MINUTE = 60_000;
const FROM = Date.parse('2024-01-01T00:00:00+08:00');
const TO = Date.parse('2026-11-01T00:00:00+08:00'); // due times stay inside the statutory data

const policy = parseSlaPolicy({
  id: 'p',
  name: '全部目标',
  levels: {
    1: { resolutionMinutes: 480 },
    2: { resolutionMinutes: 1440 },
    3: { resolutionMinutes: 2400 },
    4: { resolutionMinutes: 2400 },
    5: { resolutionMinutes: 4800 },
  },
});
const noPauses = { ...policy, pausedStatuses: [] };

const openStatus = fc.constantFrom<TicketStatus>(
  'triage',
  'assigned',
  'inProgress',
  'waitingCustomer',
  'solutionProposed',
  'reopened',
);
const ticket = fc.record({
  created: fc.integer({ min: FROM / 1000, max: TO / 1000 }).map((s) => s * 1000),
  level: fc.constantFrom<ResponseLevel>(1, 2, 3, 4, 5),
  changes: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 * 24 * 60 }), openStatus), { maxLength: 8 }),
  after: fc.integer({ min: 0, max: 3 * 24 * 60 }),
});

type RandomTicket = typeof ticket extends fc.Arbitrary<infer T> ? T : never;

function input(t: RandomTicket): Omit<SlaClockInput, 'now'> & { lastChange: number } {
  let at = t.created;
  const statusHistory = [{ at: new Date(at), status: 'triage' as TicketStatus }];
  for (const [gap, status] of t.changes) {
    at += gap * MINUTE;
    statusHistory.push({ at: new Date(at), status });
  }
  return { calendar, policy, level: t.level, createdAt: new Date(t.created), statusHistory, lastChange: at };
}

describe('properties of the resolution clock over random histories', () => {
  it('a running clock is breached exactly at its dueAt, with the whole budget counted', () => {
    let checked = 0;
    fc.assert(
      fc.property(ticket, (t) => {
        const { lastChange, ...base } = input(t);
        const now = new Date(lastChange + t.after * MINUTE);
        const clock = computeSlaClocks({ ...base, now }).clocks.resolution!;
        if (clock.state !== 'running' || !clock.dueAt || clock.dueAt <= now) return;
        // Later evaluations from the same history agree on the due time.
        checked++;
        const atDue = computeSlaClocks({ ...base, now: clock.dueAt }).clocks.resolution!;
        expect(atDue.state).toBe('breached');
        expect(atDue.dueAt).toEqual(clock.dueAt);
        expect(atDue.elapsedMinutes).toBe(clock.budgetMinutes);
        const justBefore = new Date(clock.dueAt.getTime() - 1);
        if (justBefore > now) {
          expect(computeSlaClocks({ ...base, now: justBefore }).clocks.resolution!.state).toBe('running');
        }
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(50); // the property was not vacuous
  });

  it('pauses never make a due time earlier, and elapsed + remaining = budget', () => {
    fc.assert(
      fc.property(ticket, (t) => {
        const { lastChange, ...base } = input(t);
        const now = new Date(lastChange + t.after * MINUTE);
        const paused = computeSlaClocks({ ...base, now }).clocks.resolution!;
        const plain = computeSlaClocks({ ...base, policy: noPauses, now }).clocks.resolution!;
        expect(paused.elapsedMinutes).toBeLessThanOrEqual(plain.elapsedMinutes);
        expect(paused.elapsedMinutes + paused.remainingMinutes).toBeCloseTo(paused.budgetMinutes, 9);
        if (paused.dueAt && plain.dueAt)
          expect(paused.dueAt.getTime()).toBeGreaterThanOrEqual(plain.dueAt.getTime());
        if (paused.state === 'paused') expect(paused.dueAt).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});
