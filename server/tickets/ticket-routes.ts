import { z } from 'zod';
import { DomainError } from '../../shared/errors.ts';
import { type Caller, callerOf, hasRole } from '../auth/caller.ts';
import { anyRole, type Role } from '../auth/roles.ts';
import type { ApiRouter } from '../auth/route-policy.ts';
import type { Db } from '../db/mongo.ts';
import { listTeams } from '../directory/directory-service.ts';
import { staffModel } from '../directory/staff-model.ts';
import { parseWith } from '../http/errors.ts';
import { byUrgency, type Countdown, clockStateAt, nextCountdown } from '../reports/clock-snapshot.ts';
import type { Ticket, TimelineEntry } from './ticket-model.ts';
import { ticketModel } from './ticket-model.ts';
import { getTicketFor } from './ticket-service.ts';

/**
 * Read-only ticket routes for the mini-app's queues and ticket detail.
 *
 *   GET /api/tickets?queue=triage|mine|org&limit=&include=open|all&orgId=
 *   GET /api/tickets/:no
 *
 * - `triage`: tickets in the sorting centre (status triage) — dispatchers, team leads, admins.
 * - `mine`: open tickets the staff member is assigned to or owns (首问负责人).
 * - `org`: one organisation's tickets — a customer's own organisation only (another `orgId` is
 *   answered like a missing one); staff may name any organisation, or none for all.
 * Each row carries the SLA countdown read from the stored clock snapshot and `now` (no calendar
 * arithmetic per row). The lists scan on the embedded FerretDB (only `_id` equality is indexed):
 * bounded by `limit`, for screens, never on a hot path.
 */
export interface TicketRouteDeps {
  db: Db;
  now: () => Date;
}

export const ticketQueues = ['triage', 'mine', 'org'] as const;
export type TicketQueue = (typeof ticketQueues)[number];

const triageRoles: readonly Role[] = ['dispatcher', 'teamLead', 'admin'];

const listQuerySchema = z.object({
  queue: z.enum(ticketQueues, '队列（queue）只能是 triage、mine 或 org').optional(),
  limit: z.coerce
    .number('数量（limit）应为 1–200 的整数')
    .int('数量（limit）应为 1–200 的整数')
    .min(1, '数量（limit）应为 1–200 的整数')
    .max(200, '数量（limit）应为 1–200 的整数')
    .default(50),
  include: z.enum(['open', 'all'], 'include 只能是 open 或 all').optional(),
  orgId: z.string().trim().min(1).max(64).optional(),
});

const ticketNoSchema = z.string().trim().min(1).max(40);

export function addTicketRoutes(router: ApiRouter, deps: TicketRouteDeps): void {
  router.get('/api/tickets', { allow: anyRole }, async (ctx) => {
    const caller = callerOf(ctx);
    const query = parseWith(listQuerySchema, ctx.query);
    ctx.body = await listQueue(deps.db, caller, query, deps.now());
  });

  router.get('/api/tickets/:no', { allow: anyRole }, async (ctx) => {
    const caller = callerOf(ctx);
    const ticketNo = parseWith(ticketNoSchema, ctx.params.no);
    const ticket = await getTicketFor(
      deps.db,
      ticketNo,
      caller.kind === 'customer' ? { kind: 'contact', orgId: caller.orgId } : { kind: 'staff' },
    );
    ctx.body = await ticketDetail(deps.db, caller, ticket, deps.now());
  });
}

// ---- queues

export interface TicketRow {
  ticketNo: string;
  title: string;
  orgId: string;
  orgName: string;
  contactName: string;
  productLine: string;
  level: number;
  status: string;
  open: boolean;
  entitled: boolean;
  channel: string;
  teamId?: string;
  teamName?: string;
  ownerUserId?: string;
  ownerName?: string;
  assigneeUserId?: string;
  assigneeName?: string;
  createdAt: Date;
  updatedAt: Date;
  countdown: Countdown | null;
}

export interface QueueAnswer {
  queue: TicketQueue;
  now: Date;
  tickets: TicketRow[];
  /** More tickets matched than `limit`. */
  truncated: boolean;
}

export async function listQueue(
  db: Db,
  caller: Caller,
  query: z.output<typeof listQuerySchema>,
  now: Date,
): Promise<QueueAnswer> {
  const queue: TicketQueue = query.queue ?? (caller.kind === 'customer' ? 'org' : 'mine');
  const Tickets = ticketModel(db);
  const limit = query.limit;
  // a ticket's timeline can be long; lists do not need it
  const fields = { timeline: 0, description: 0 } as const;
  let found: Listed[];
  let urgencyOrder = true;
  switch (queue) {
    case 'triage': {
      if (caller.kind !== 'staff' || !hasRole(caller, ...triageRoles))
        throw new DomainError('forbidden', '分拣队列仅限分拣中心调度、组长和管理员查看');
      // the oldest first (then ordered by urgency below); a longer queue says `truncated`
      found = (await Tickets.find({ status: 'triage' }, fields)
        .sort({ createdAt: 1 })
        .limit(limit + 1)
        .lean()) as Listed[];
      break;
    }
    case 'mine': {
      if (caller.kind !== 'staff') throw new DomainError('forbidden', '“我的工单”队列仅限服务人员');
      const openOnly = (query.include ?? 'open') === 'open' ? { open: true } : {};
      // two equality queries rather than $or, which ../shared/ferretdb-subset.md does not list
      const [assigned, owned] = await Promise.all([
        Tickets.find({ assigneeUserId: caller.userId, ...openOnly }, fields)
          .sort({ createdAt: -1 })
          .limit(limit + 1)
          .lean(),
        Tickets.find({ ownerUserId: caller.userId, ...openOnly }, fields)
          .sort({ createdAt: -1 })
          .limit(limit + 1)
          .lean(),
      ]);
      const byNo = new Map<string, Listed>();
      for (const t of [...(assigned as Listed[]), ...(owned as Listed[])]) byNo.set(t._id, t);
      found = [...byNo.values()];
      break;
    }
    case 'org': {
      let orgId = query.orgId;
      if (caller.kind === 'customer') {
        if (orgId !== undefined && orgId !== caller.orgId) throw new DomainError('notFound', '单位不存在');
        orgId = caller.orgId;
      }
      const openOnly = (query.include ?? 'all') === 'open' ? { open: true } : {};
      found = (await Tickets.find({ ...(orgId ? { orgId } : {}), ...openOnly }, fields)
        .sort({ createdAt: -1 })
        .limit(limit + 1)
        .lean()) as Listed[];
      urgencyOrder = false; // a customer's list: newest first
      break;
    }
  }
  const names = await namesFor(db, found);
  let rows = found.map((t) => toRow(t, names, now));
  if (urgencyOrder) {
    rows = rows.sort(
      (a, b) => byUrgency(a.countdown, b.countdown) || a.createdAt.getTime() - b.createdAt.getTime(),
    );
  }
  return { queue, now, tickets: rows.slice(0, limit), truncated: rows.length > limit };
}

/** A ticket as the lists read it. */
type Listed = Omit<Ticket, 'timeline' | 'description'>;

interface Names {
  staff: Map<string, string>;
  teams: Map<string, string>;
}

/** Names of the staff and teams the tickets mention (the staff collection is small; teams are read whole). */
async function namesFor(db: Db, tickets: readonly Listed[]): Promise<Names> {
  const ids = [
    ...new Set(tickets.flatMap((t) => [t.ownerUserId, t.assigneeUserId]).filter((x): x is string => !!x)),
  ];
  const [staff, teams] = await Promise.all([
    ids.length > 0
      ? staffModel(db)
          .find({ _id: { $in: ids } }, { name: 1 })
          .lean()
      : Promise.resolve([]),
    listTeams(db),
  ]);
  return {
    staff: new Map(staff.map((s) => [String(s._id), s.name])),
    teams: new Map(teams.map((t) => [t.id, t.name])),
  };
}

function toRow(t: Listed, names: Names, now: Date): TicketRow {
  const teamName = t.teamId ? names.teams.get(t.teamId) : undefined;
  const ownerName = t.ownerUserId ? names.staff.get(t.ownerUserId) : undefined;
  const assigneeName = t.assigneeUserId ? names.staff.get(t.assigneeUserId) : undefined;
  return {
    ticketNo: t._id,
    title: t.title,
    orgId: t.orgId,
    orgName: t.orgName,
    contactName: t.contactName,
    productLine: t.productLine,
    level: t.level,
    status: t.status,
    open: t.open,
    entitled: t.entitled,
    channel: t.channel,
    ...(t.teamId ? { teamId: t.teamId } : {}),
    ...(teamName ? { teamName } : {}),
    ...(t.ownerUserId ? { ownerUserId: t.ownerUserId } : {}),
    ...(ownerName ? { ownerName } : {}),
    ...(t.assigneeUserId ? { assigneeUserId: t.assigneeUserId } : {}),
    ...(assigneeName ? { assigneeName } : {}),
    createdAt: new Date(t.createdAt),
    updatedAt: new Date(t.updatedAt),
    countdown: t.open && t.sla ? nextCountdown(t.sla.clocks, now) : null,
  };
}

// ---- detail

/** Timeline entries customers do not see: internal notes. */
const internalKinds = new Set<string>(['comment']);

export async function ticketDetail(db: Db, caller: Caller, t: Ticket, now: Date) {
  const names = await namesFor(db, [t]);
  const customer = caller.kind === 'customer';
  const timeline = (t.timeline ?? [])
    .filter((e) => !(customer && internalKinds.has(e.kind)))
    .map((e) => timelineEntry(e, customer));
  return {
    now,
    ticket: {
      ...toRow(t, names, now),
      description: t.description,
      ...(t.entitlementNote ? { entitlementNote: t.entitlementNote } : {}),
      ...(t.tier && !customer ? { tier: t.tier } : {}),
      ...(t.branch ? { branch: t.branch } : {}),
      ...(t.csat
        ? { csat: { rating: t.csat.rating, ...(t.csat.comment ? { comment: t.csat.comment } : {}) } }
        : {}),
      sla: t.sla
        ? {
            policyId: t.sla.policyId,
            afterHours: t.sla.afterHours,
            evaluatedAt: new Date(t.sla.evaluatedAt),
            clocks: t.sla.clocks.map((c) => ({
              target: c.target,
              state: clockStateAt(c, now),
              unit: c.unit,
              budgetMinutes: c.budgetMinutes,
              elapsedMinutes: c.elapsedMinutes,
              dueAt: c.dueAt ? new Date(c.dueAt) : null,
              atRiskAt: c.atRiskAt ? new Date(c.atRiskAt) : null,
              ...(c.completedAt ? { completedAt: new Date(c.completedAt) } : {}),
            })),
          }
        : null,
      timeline,
    },
  };
}

function timelineEntry(e: TimelineEntry, forCustomer: boolean) {
  const by =
    forCustomer && e.by?.kind === 'staff'
      ? { kind: e.by.kind, name: e.by.name }
      : {
          kind: e.by?.kind ?? 'system',
          name: e.by?.name ?? '',
          ...(e.by?.userId ? { userId: e.by.userId } : {}),
        };
  return {
    at: new Date(e.at),
    kind: e.kind,
    by,
    channel: e.channel,
    ...(e.text ? { text: e.text } : {}),
    ...(e.from ? { from: e.from } : {}),
    ...(e.to ? { to: e.to } : {}),
    ...(e.action ? { action: e.action } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.target
      ? { target: { kind: e.target.kind, ...(e.target.name ? { name: e.target.name } : {}) } }
      : {}),
  };
}
