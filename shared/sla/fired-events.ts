import type { SlaClocks, SlaEscalationPoint } from './compute-sla-clocks.ts';
import { slaTargets } from './targets.ts';

/**
 * The escalation events that have happened as of `clocks.evaluatedAt` and still matter: a breach
 * for every breached clock, an at-risk for every running clock past its at-risk instant. Both
 * instants are in the past, so they do not move when the clocks are recomputed later from the same
 * history; the sweep can hand every one to planEscalation on each run and let the dedupe keys make
 * it once (an evaluator that is idempotent, not one that remembers).
 *
 * Not included: at-risk of a breached clock (the breach supersedes it), at-risk of a paused clock
 * (nobody can hurry while the customer is being waited for) and anything of a completed clock.
 */
export function firedSlaEvents(clocks: SlaClocks): SlaEscalationPoint[] {
  const nowMs = clocks.evaluatedAt.getTime();
  const events: SlaEscalationPoint[] = [];
  for (const target of slaTargets) {
    const clock = clocks.clocks[target];
    if (!clock) continue;
    if (clock.state === 'breached' && clock.dueAt) {
      events.push({ at: clock.dueAt, kind: 'breach', target });
    } else if (clock.state === 'running' && clock.atRiskAt && clock.atRiskAt.getTime() <= nowMs) {
      events.push({ at: clock.atRiskAt, kind: 'atRisk', target });
    }
  }
  return events;
}
