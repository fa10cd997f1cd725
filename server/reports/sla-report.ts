import { responseLevels } from '../../shared/catalog.ts';
import { isOpenStatus, type TicketStatus } from '../../shared/ticket/status.ts';
import type { Ticket } from '../tickets/ticket-model.ts';
import { clockStateAt } from './clock-snapshot.ts';

/**
 * The service report (服务报表): SLA compliance per level, team and month,
 * first-response and resolution times, backlog age and CSAT, computed in
 * code from the tickets' stored clock snapshots — the embedded FerretDB has
 * no `$avg`, `$cond` or date operators, and a report is no hot path. Pure:
 * tickets, team names and `now` in, figures out.
 *
 * - Only tickets with a commitment (filed inside a service period: `sla` set) count for the SLA
 *   figures; the others are counted as `outOfSla` (SPEC: kept out of SLA statistics).
 * - Compliance is the first-response clock's: met, or missed (answered late, or not answered and
 *   past due — a running snapshot past its due time counts as missed). Rate = met / (met + missed).
 * - First-response time: the clock's elapsed working minutes when it completed.
 * - Resolution time: calendar hours from filing to closure (closed or auto-closed), for tickets
 *   that are no longer open.
 * - CSAT: the average rating of the tickets in the group that have one (all tickets, not only SLA).
 * - Months and dates are Asia/Shanghai (UTC+8, no DST).
 */
export interface ReportRange {
  /** First day, YYYY-MM-DD (Asia/Shanghai), included. */
  from: string;
  /** Last day, YYYY-MM-DD (Asia/Shanghai), included. */
  to: string;
}

export interface Figures {
  key: string;
  label: string;
  /** Tickets filed in the range in this group. */
  tickets: number;
  /** Of these, tickets with a commitment (in SLA statistics). */
  inSla: number;
  met: number;
  missed: number;
  /** First response still running (not yet due). */
  pending: number;
  /** met / (met + missed), 0–1; null without any. */
  complianceRate: number | null;
  firstResponse: { count: number; avgMinutes: number | null; medianMinutes: number | null };
  resolution: { count: number; avgHours: number | null; medianHours: number | null };
  csat: { count: number; avg: number | null };
  /** Time in the sorting centre (filed → dispatched), calendar minutes. */
  triage: { count: number; medianMinutes: number | null };
}

export const backlogBuckets = [
  { key: 'lt1d', zh: '1 天内', en: '< 1 day', maxDays: 1 },
  { key: '1to3d', zh: '1–3 天', en: '1–3 days', maxDays: 3 },
  { key: '3to7d', zh: '3–7 天', en: '3–7 days', maxDays: 7 },
  { key: '7to30d', zh: '7–30 天', en: '7–30 days', maxDays: 30 },
  { key: 'gt30d', zh: '30 天以上', en: '> 30 days', maxDays: Number.POSITIVE_INFINITY },
] as const;

export interface SlaReport {
  range: ReportRange;
  generatedAt: Date;
  total: Figures;
  byLevel: Figures[];
  byTeam: Figures[];
  byMonth: Figures[];
  /** Per first-contact owner (首问负责人); tickets nobody has taken up yet are '-'. */
  byOwner: Figures[];
  /** Tickets filed in the range without a commitment (not in the SLA figures). */
  outOfSla: number;
  /** Open tickets now, whenever filed, by age. */
  backlog: {
    total: number;
    buckets: Array<{ key: string; zh: string; en: string; count: number; byLevel: Record<string, number> }>;
  };
  /** The range had more tickets than one report reads; the figures cover the first ones. */
  truncated: boolean;
}

/** The fields a report reads (lists project the rest away). */
export type ReportTicket = Pick<
  Ticket,
  | '_id'
  | 'level'
  | 'teamId'
  | 'createdAt'
  | 'open'
  | 'status'
  | 'sla'
  | 'csat'
  | 'timeline'
  | 'ownerUserId'
  | 'triagedAt'
>;

const dayMs = 86_400_000;
const shanghaiOffsetMs = 8 * 3_600_000;

/** Shanghai calendar month of an instant, 'YYYY-MM'. */
export function shanghaiMonth(at: Date): string {
  return new Date(at.getTime() + shanghaiOffsetMs).toISOString().slice(0, 7);
}

/** The instants a range covers: [from 00:00, day after `to` 00:00) Asia/Shanghai. */
export function rangeInstants(range: ReportRange): { start: Date; end: Date } {
  const start = new Date(`${range.from}T00:00:00+08:00`);
  const end = new Date(new Date(`${range.to}T00:00:00+08:00`).getTime() + dayMs);
  return { start, end };
}

/** Every month the range touches, ascending. */
export function monthsOf(range: ReportRange): string[] {
  const out: string[] = [];
  let [y, m] = range.from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = range.to.slice(0, 7);
  for (let guard = 0; guard < 1200; guard++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= last) break;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

export function buildSlaReport(input: {
  range: ReportRange;
  tickets: readonly ReportTicket[];
  backlog: ReadonlyArray<Pick<Ticket, 'level' | 'createdAt'>>;
  teamNames: ReadonlyMap<string, string>;
  now: Date;
  truncated?: boolean;
}): SlaReport {
  const { tickets, now } = input;
  const facts = tickets.map((t) => factsOf(t, now));

  const levelGroups = responseLevels.map((level) =>
    figures(
      String(level),
      `${level}`,
      facts.filter((f) => f.level === level),
    ),
  );
  const teamKeys = [...new Set(facts.map((f) => f.teamId))].sort((a, b) =>
    a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
  );
  const teamGroups = teamKeys.map((key) =>
    figures(
      key || '-',
      key ? (input.teamNames.get(key) ?? key) : '未分派（分拣中心）',
      facts.filter((f) => f.teamId === key),
    ),
  );
  const monthGroups = monthsOf(input.range).map((month) =>
    figures(
      month,
      month,
      facts.filter((f) => f.month === month),
    ),
  );

  const buckets = backlogBuckets.map((b) => ({
    key: b.key,
    zh: b.zh,
    en: b.en,
    count: 0,
    byLevel: Object.fromEntries(responseLevels.map((l) => [String(l), 0])) as Record<string, number>,
  }));
  for (const t of input.backlog) {
    const ageDays = (now.getTime() - new Date(t.createdAt).getTime()) / dayMs;
    const i = backlogBuckets.findIndex((b) => ageDays < b.maxDays);
    const bucket = buckets[i === -1 ? buckets.length - 1 : i]!;
    bucket.count += 1;
    bucket.byLevel[String(t.level)] = (bucket.byLevel[String(t.level)] ?? 0) + 1;
  }

  return {
    range: input.range,
    generatedAt: now,
    total: figures('total', '合计', facts),
    byLevel: levelGroups,
    byTeam: teamGroups,
    byMonth: monthGroups,
    byOwner: [...new Set(facts.map((f) => f.owner))].sort().map((o) =>
      figures(
        o || '-',
        o || '未受理',
        facts.filter((f) => f.owner === o),
      ),
    ),
    outOfSla: facts.filter((f) => !f.inSla).length,
    backlog: { total: input.backlog.length, buckets },
    truncated: input.truncated ?? false,
  };
}

interface Facts {
  owner: string;
  triageMinutes?: number;
  level: number;
  teamId: string;
  month: string;
  inSla: boolean;
  firstResponse: 'met' | 'missed' | 'pending' | 'none';
  firstResponseMinutes?: number;
  resolutionHours?: number;
  csat?: number;
}

function factsOf(t: ReportTicket, now: Date): Facts {
  const createdAt = new Date(t.createdAt);
  const clock = t.sla?.clocks.find((c) => c.target === 'firstResponse');
  let firstResponse: Facts['firstResponse'] = 'none';
  let firstResponseMinutes: number | undefined;
  if (t.sla && clock) {
    const state = clockStateAt(clock, now);
    firstResponse =
      state === 'met' ? 'met' : state === 'missed' || state === 'breached' ? 'missed' : 'pending';
    if (state === 'met' || state === 'missed') firstResponseMinutes = clock.elapsedMinutes;
  }
  const resolvedAt = t.open ? undefined : resolvedAtOf(t);
  const rating = t.csat?.rating;
  return {
    owner: t.ownerUserId ?? '',
    ...(t.triagedAt
      ? { triageMinutes: (new Date(t.triagedAt).getTime() - createdAt.getTime()) / 60_000 }
      : {}),
    level: t.level,
    teamId: t.teamId ?? '',
    month: shanghaiMonth(createdAt),
    inSla: !!t.sla,
    firstResponse,
    ...(firstResponseMinutes !== undefined ? { firstResponseMinutes } : {}),
    ...(resolvedAt ? { resolutionHours: (resolvedAt.getTime() - createdAt.getTime()) / 3_600_000 } : {}),
    ...(typeof rating === 'number' && Number.isFinite(rating) ? { csat: rating } : {}),
  };
}

const closing = new Set<TicketStatus>(['closed', 'autoClosed']);

/** When a finished ticket was resolved: the SLA's resolvedAt, else its last move into closed/auto-closed. */
function resolvedAtOf(t: ReportTicket): Date | undefined {
  if (t.sla?.resolvedAt) return new Date(t.sla.resolvedAt);
  if (isOpenStatus(t.status)) return undefined;
  const last = (t.timeline ?? []).filter((e) => e.to && closing.has(e.to)).at(-1);
  return last ? new Date(last.at) : undefined;
}

function figures(key: string, label: string, facts: readonly Facts[]): Figures {
  const sla = facts.filter((f) => f.inSla);
  const met = sla.filter((f) => f.firstResponse === 'met').length;
  const missed = sla.filter((f) => f.firstResponse === 'missed').length;
  const pending = sla.filter((f) => f.firstResponse === 'pending').length;
  const fr = sla.flatMap((f) => (f.firstResponseMinutes === undefined ? [] : [f.firstResponseMinutes]));
  const res = facts.flatMap((f) => (f.resolutionHours === undefined ? [] : [f.resolutionHours]));
  const csat = facts.flatMap((f) => (f.csat === undefined ? [] : [f.csat]));
  return {
    key,
    label,
    tickets: facts.length,
    inSla: sla.length,
    met,
    missed,
    pending,
    complianceRate: met + missed > 0 ? round(met / (met + missed), 4) : null,
    firstResponse: { count: fr.length, avgMinutes: avg(fr, 1), medianMinutes: median(fr, 1) },
    resolution: { count: res.length, avgHours: avg(res, 1), medianHours: median(res, 1) },
    csat: { count: csat.length, avg: avg(csat, 2) },
    triage: (() => {
      const tr = facts.flatMap((f) => (f.triageMinutes === undefined ? [] : [f.triageMinutes]));
      return { count: tr.length, medianMinutes: median(tr, 1) };
    })(),
  };
}

function avg(xs: readonly number[], digits: number): number | null {
  return xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, digits) : null;
}

function median(xs: readonly number[], digits: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return round(s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, digits);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
