import type { SlaClockSnapshot } from '../tickets/ticket-model.ts';

/**
 * What a stored SLA clock snapshot (ticket.sla.clocks, written by the SLA
 * engine at filing and at each evaluation) means at an instant, without
 * recomputing the clock: lists and reports read many tickets and must not
 * load the calendar and policy for each. A running clock whose due time has
 * passed is breached even if the sweep has not re-evaluated it yet; one past
 * its at-risk instant is at risk. Pure: no clock reads, no I/O.
 */
export type ClockStateAt = 'onTrack' | 'atRisk' | 'breached' | 'paused' | 'met' | 'missed';

export function clockStateAt(clock: SlaClockSnapshot, now: Date): ClockStateAt {
  switch (clock.state) {
    case 'met':
    case 'missed':
    case 'breached':
    case 'paused':
      return clock.state;
    default: {
      const t = now.getTime();
      if (clock.dueAt && t >= new Date(clock.dueAt).getTime()) return 'breached';
      if (clock.atRiskAt && t >= new Date(clock.atRiskAt).getTime()) return 'atRisk';
      return 'onTrack';
    }
  }
}

/** The clock a queue shows: the next one due (or overdue), else a paused one. */
export interface Countdown {
  target: string;
  state: 'onTrack' | 'atRisk' | 'breached' | 'paused';
  /** null while paused (the remaining budget is known, the instant is not). */
  dueAt: Date | null;
  atRiskAt: Date | null;
  /** Milliseconds from now to dueAt (negative when overdue); null while paused. */
  msLeft: number | null;
  /** Minutes of the clock's unit left in the budget as of the snapshot (for paused clocks). */
  remainingMinutes: number;
  budgetMinutes: number;
  unit: string;
}

export function nextCountdown(clocks: readonly SlaClockSnapshot[] | undefined, now: Date): Countdown | null {
  let best: Countdown | undefined;
  let paused: Countdown | undefined;
  for (const c of clocks ?? []) {
    const state = clockStateAt(c, now);
    if (state === 'met' || state === 'missed') continue;
    const dueAt = c.dueAt ? new Date(c.dueAt) : null;
    const countdown: Countdown = {
      target: c.target,
      state,
      dueAt,
      atRiskAt: c.atRiskAt ? new Date(c.atRiskAt) : null,
      msLeft: dueAt ? dueAt.getTime() - now.getTime() : null,
      remainingMinutes: Math.round((c.budgetMinutes - c.elapsedMinutes) * 100) / 100,
      budgetMinutes: c.budgetMinutes,
      unit: c.unit,
    };
    if (!dueAt) {
      paused ??= countdown;
      continue;
    }
    if (!best?.dueAt || dueAt.getTime() < best.dueAt.getTime()) best = countdown;
  }
  return best ?? paused ?? null;
}

/** Queue order: overdue first (most overdue on top), then by due time; paused and untimed last. */
export function byUrgency(a: Countdown | null, b: Countdown | null): number {
  const rank = (c: Countdown | null) => (c === null ? 2 : c.state === 'paused' ? 1 : 0);
  const due = (c: Countdown | null) => c?.dueAt?.getTime() ?? 0;
  return rank(a) - rank(b) || due(a) - due(b);
}
