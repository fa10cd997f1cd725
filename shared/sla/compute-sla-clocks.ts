import type { WorkingCalendar } from '../calendar/compile-calendar.ts';
import { MS_PER_MINUTE } from '../calendar/local-date.ts';
import { isResponseLevel, type ResponseLevel } from '../catalog.ts';
import { DomainError } from '../errors.ts';
import { isOpenStatus, type TicketStatus, ticketStatuses } from '../ticket/status.ts';
import { type ClockMode, type Measured, measureCalendar, measureWorking } from './measure-clock.ts';
import type { SlaPolicy } from './policy.ts';
import { type StatusTimeline, statusTimeline } from './status-timeline.ts';
import type { SlaTarget } from './targets.ts';

export type SlaClockState =
  | 'running' // counting, not yet due
  | 'paused' // not counting (a paused status), not yet due; the due instant is not known
  | 'met' // completed by the due time
  | 'missed' // completed after the due time
  | 'breached'; // not completed and past the due time (also while paused after the breach)

export type SlaClockUnit = 'working' | 'calendar';

export interface SlaClock {
  readonly target: SlaTarget;
  /** The budget, in minutes of `unit`. */
  readonly budgetMinutes: number;
  readonly unit: SlaClockUnit;
  readonly state: SlaClockState;
  /** Start of the measurement: creation; for nextUpdate the last vendor reply; for onSite the request. */
  readonly startedAt: Date;
  /**
   * When the budget runs (ran) out. null while paused before that (the remaining budget is known,
   * the instant is not). For a met target: where the budget would have run out, counted on from
   * the completion.
   */
  readonly dueAt: Date | null;
  /** When the at-risk share of the budget is (was) used up; null when that did not happen before a pause or the completion. */
  readonly atRiskAt: Date | null;
  /** Minutes of `unit` counted (pauses excluded) up to the completion, or up to now. */
  readonly elapsedMinutes: number;
  /** budgetMinutes − elapsedMinutes: negative once over budget. */
  readonly remainingMinutes: number;
  /** When the target was completed (met or missed). */
  readonly completedAt?: Date;
}

export interface SlaEscalationPoint {
  readonly at: Date;
  readonly kind: 'atRisk' | 'breach';
  readonly target: SlaTarget;
}

export interface SlaClocks {
  readonly policyId: string;
  readonly level: ResponseLevel;
  /** The `now` the clocks were computed at. */
  readonly evaluatedAt: Date;
  /** firstResponse always; the others when the policy has the target and it has started. */
  readonly clocks: {
    readonly firstResponse: SlaClock;
    readonly nextUpdate?: SlaClock;
    readonly resolution?: SlaClock;
    readonly onSite?: SlaClock;
  };
  /** Future escalation instants of running clocks, earliest first (for timers). */
  readonly pending: readonly SlaEscalationPoint[];
  /** pending[0]: the ticket's `nextEscalationAt`; null when nothing is pending. */
  readonly nextEscalation: SlaEscalationPoint | null;
}

export interface SlaClockInput {
  readonly calendar: WorkingCalendar;
  readonly policy: SlaPolicy;
  readonly level: ResponseLevel;
  readonly createdAt: Date;
  /** Every status change in order; the first entry is the initial status at createdAt. */
  readonly statusHistory: ReadonlyArray<{ readonly at: Date; readonly status: TicketStatus }>;
  /** First customer-visible reply by vendor staff (bot acknowledgements do not count). */
  readonly firstResponseAt?: Date;
  /** Every customer-visible reply by vendor staff (may include the first response). */
  readonly vendorUpdates?: readonly Date[];
  /** When the ticket was resolved; when absent, the start of the current closed stretch of the history. */
  readonly resolvedAt?: Date;
  /** Level 1: the engineer recorded at `requiredAt` that remote work cannot fix the problem. */
  readonly onSite?: { readonly requiredAt: Date; readonly arrivedAt?: Date };
  readonly now: Date;
}

const isStopping = (status: TicketStatus) => !isOpenStatus(status);

/**
 * The SLA clocks of a ticket as of `now`, from its history alone (pure: same input, same output).
 *
 * Pauses are derived from the status history and apply to nextUpdate and resolution only (see
 * README.md "Pauses"). A closed, auto-closed or ended status stops every clock. Inputs later than
 * `now` are not yet in effect. A level or policy change needs no special handling: call again with
 * the new level or policy and the same history.
 */
export function computeSlaClocks(input: SlaClockInput): SlaClocks {
  checkInput(input);
  const { calendar, policy, level } = input;
  const nowMs = input.now.getTime();
  const createdMs = input.createdAt.getTime();
  const known = (d: Date | undefined) => (d !== undefined && d.getTime() <= nowMs ? d.getTime() : undefined);
  const timeline = statusTimeline(input.statusHistory, nowMs);
  const targets = policy.levels[level];
  const paused = new Set<TicketStatus>(policy.pausedStatuses);
  const counts = (s: TicketStatus) => !paused.has(s) && !isStopping(s);
  const ctx: Ctx = { calendar, ratio: policy.atRiskRatio, nowMs, timeline };

  const firstResponseMs = known(input.firstResponseAt);
  const firstResponse = unpausedWorkingClock(ctx, {
    target: 'firstResponse',
    budgetMinutes: targets.firstResponseMinutes,
    startMs: createdMs,
    completedMs: earliest(firstResponseMs, timeline.firstEntry(isStopping, createdMs)),
  });

  let nextUpdate: SlaClock | undefined;
  if (targets.nextUpdateMinutes !== undefined && firstResponseMs !== undefined) {
    // The cycle runs from the latest reply so far (the first response is one).
    const startMs = (input.vendorUpdates ?? []).reduce(
      (latest, d) => Math.max(latest, known(d) ?? latest),
      firstResponseMs,
    );
    nextUpdate = pausableClock(ctx, counts, {
      target: 'nextUpdate',
      budgetMinutes: targets.nextUpdateMinutes,
      startMs,
      completedMs: atLeast(timeline.currentStretchStart(isStopping), startMs),
    });
  }

  let resolution: SlaClock | undefined;
  if (targets.resolutionMinutes !== undefined) {
    resolution = pausableClock(ctx, counts, {
      target: 'resolution',
      budgetMinutes: targets.resolutionMinutes,
      startMs: createdMs,
      completedMs: known(input.resolvedAt) ?? timeline.currentStretchStart(isStopping),
    });
  }

  let onSite: SlaClock | undefined;
  const requiredMs = known(input.onSite?.requiredAt);
  if (level === 1 && requiredMs !== undefined) {
    onSite = calendarClock(ctx, {
      target: 'onSite',
      budgetMinutes: policy.onSiteCalendarHours * 60,
      startMs: requiredMs,
      completedMs: earliest(known(input.onSite?.arrivedAt), timeline.firstEntry(isStopping, requiredMs)),
    });
  }

  const all = [firstResponse, nextUpdate, resolution, onSite].filter((c) => c !== undefined);
  const pending = all.flatMap((clock) => pendingPoints(clock, nowMs)).sort(byInstant);
  return {
    policyId: policy.id,
    level,
    evaluatedAt: new Date(nowMs),
    clocks: {
      firstResponse,
      ...(nextUpdate && { nextUpdate }),
      ...(resolution && { resolution }),
      ...(onSite && { onSite }),
    },
    pending,
    nextEscalation: pending[0] ?? null,
  };
}

interface Ctx {
  readonly calendar: WorkingCalendar;
  readonly ratio: number;
  readonly nowMs: number;
  readonly timeline: StatusTimeline;
}

interface ClockSpec {
  readonly target: SlaTarget;
  readonly budgetMinutes: number;
  readonly startMs: number;
  /** Completion at or before now, if any. */
  readonly completedMs: number | undefined;
}

/** First response: working time from creation, pauses do not apply. */
function unpausedWorkingClock(ctx: Ctx, spec: ClockSpec): SlaClock {
  const endMs = spec.completedMs ?? ctx.nowMs;
  const mode: ClockMode = spec.completedMs !== undefined ? 'completed' : 'running';
  const budgetMs = spec.budgetMinutes * MS_PER_MINUTE;
  const measured = measureWorking({
    calendar: ctx.calendar,
    budgetMs,
    thresholdMs: Math.round(budgetMs * ctx.ratio),
    intervals: endMs > spec.startMs ? [[spec.startMs, endMs]] : [],
    endMs,
    mode,
  });
  return toClock(spec, 'working', mode, endMs, measured, ctx.nowMs);
}

/** Next update and resolution: working time while the status counts (not paused, not closed). */
function pausableClock(ctx: Ctx, counts: (s: TicketStatus) => boolean, spec: ClockSpec): SlaClock {
  const endMs = spec.completedMs ?? ctx.nowMs;
  const intervals: Array<[number, number]> = [];
  for (const run of ctx.timeline.runs) {
    if (!counts(run.status)) continue;
    const from = Math.max(run.fromMs, spec.startMs);
    const to = Math.min(run.toMs, endMs);
    if (to > from) intervals.push([from, to]);
  }
  const mode: ClockMode =
    spec.completedMs !== undefined ? 'completed' : counts(ctx.timeline.current) ? 'running' : 'paused';
  const budgetMs = spec.budgetMinutes * MS_PER_MINUTE;
  const measured = measureWorking({
    calendar: ctx.calendar,
    budgetMs,
    thresholdMs: Math.round(budgetMs * ctx.ratio),
    intervals,
    endMs,
    mode,
  });
  return toClock(spec, 'working', mode, endMs, measured, ctx.nowMs);
}

/** On site: calendar time from the request, no pauses. */
function calendarClock(ctx: Ctx, spec: ClockSpec): SlaClock {
  const endMs = spec.completedMs ?? ctx.nowMs;
  const mode = spec.completedMs !== undefined ? 'completed' : 'running';
  const budgetMs = spec.budgetMinutes * MS_PER_MINUTE;
  const measured = measureCalendar({
    startMs: spec.startMs,
    budgetMs,
    thresholdMs: Math.round(budgetMs * ctx.ratio),
    endMs,
    mode,
  });
  return toClock(spec, 'calendar', mode, endMs, measured, ctx.nowMs);
}

function toClock(
  spec: ClockSpec,
  unit: SlaClockUnit,
  mode: ClockMode,
  endMs: number,
  m: Measured,
  nowMs: number,
): SlaClock {
  let state: SlaClockState;
  if (mode === 'completed') state = m.dueMs !== undefined && endMs > m.dueMs ? 'missed' : 'met';
  else if (m.dueMs !== undefined && nowMs >= m.dueMs) state = 'breached';
  else state = mode;
  const elapsedMinutes = m.elapsedMs / MS_PER_MINUTE;
  return {
    target: spec.target,
    budgetMinutes: spec.budgetMinutes,
    unit,
    state,
    startedAt: new Date(spec.startMs),
    dueAt: m.dueMs === undefined ? null : new Date(m.dueMs),
    atRiskAt: m.atRiskMs === undefined ? null : new Date(m.atRiskMs),
    elapsedMinutes,
    remainingMinutes: spec.budgetMinutes - elapsedMinutes,
    ...(mode === 'completed' && { completedAt: new Date(endMs) }),
  };
}

/** A running clock's future instants: at risk (if not yet) and breach (if not yet). */
function pendingPoints(clock: SlaClock, nowMs: number): SlaEscalationPoint[] {
  if (clock.state !== 'running') return [];
  const points: SlaEscalationPoint[] = [];
  if (clock.atRiskAt && clock.atRiskAt.getTime() > nowMs) {
    points.push({ at: clock.atRiskAt, kind: 'atRisk', target: clock.target });
  }
  if (clock.dueAt && clock.dueAt.getTime() > nowMs) {
    points.push({ at: clock.dueAt, kind: 'breach', target: clock.target });
  }
  return points;
}

/** Earliest first; stable, so equal instants keep target order with at-risk before breach. */
function byInstant(a: SlaEscalationPoint, b: SlaEscalationPoint): number {
  return a.at.getTime() - b.at.getTime();
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function atLeast(ms: number | undefined, min: number): number | undefined {
  return ms === undefined ? undefined : Math.max(ms, min);
}

function checkInput(input: SlaClockInput): void {
  const fail = (message: string, path: string): never => {
    throw new DomainError('validation', message, { issues: [{ path, message }] });
  };
  const valid = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());
  const time = (d: unknown, path: string, label: string): number => {
    if (!valid(d)) fail(`${label}（${path}）不是有效的时间`, path);
    return (d as Date).getTime();
  };
  if (!isResponseLevel(input.level))
    fail(`响应级别（level）应为 1–5，实际是 ${String(input.level)}`, 'level');
  const created = time(input.createdAt, 'createdAt', '创建时间');
  const now = time(input.now, 'now', '计算时间');
  if (now < created) fail('计算时间（now）早于创建时间（createdAt）', 'now');

  const history = input.statusHistory;
  if (!Array.isArray(history) || history.length === 0) {
    fail('状态历史（statusHistory）不能为空：第一条是创建时的状态', 'statusHistory');
  }
  let previous = created;
  history.forEach((entry, i) => {
    const path = `statusHistory[${i}]`;
    const at = time(entry?.at, `${path}.at`, '状态变更时间');
    if (!(ticketStatuses as readonly string[]).includes(entry.status)) {
      fail(`状态历史（${path}.status）不是已知的工单状态：${String(entry.status)}`, `${path}.status`);
    }
    if (i === 0 && at !== created) {
      fail(
        '状态历史（statusHistory[0].at）的第一条应在创建时间（createdAt），即工单的初始状态',
        `${path}.at`,
      );
    }
    if (at < previous) fail(`状态历史（${path}.at）应按时间先后排列：第 ${i + 1} 条早于前一条`, `${path}.at`);
    previous = at;
  });

  const notBeforeCreation = (d: Date | undefined, path: string, label: string) => {
    if (d === undefined) return;
    if (time(d, path, label) < created) fail(`${label}（${path}）早于创建时间（createdAt）`, path);
  };
  notBeforeCreation(input.firstResponseAt, 'firstResponseAt', '首次响应时间');
  input.vendorUpdates?.forEach((d, i) => {
    notBeforeCreation(d, `vendorUpdates[${i}]`, '回复时间');
  });
  notBeforeCreation(input.resolvedAt, 'resolvedAt', '解决时间');
  if (input.onSite) {
    notBeforeCreation(input.onSite.requiredAt, 'onSite.requiredAt', '需要上门的时间');
    const arrived = input.onSite.arrivedAt;
    if (
      arrived !== undefined &&
      time(arrived, 'onSite.arrivedAt', '到达现场时间') < input.onSite.requiredAt.getTime()
    ) {
      fail('到达现场时间（onSite.arrivedAt）早于需要上门的时间（onSite.requiredAt）', 'onSite.arrivedAt');
    }
  }
}
