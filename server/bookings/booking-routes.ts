import { z } from 'zod';
import { DomainError } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { callerOf, hasRole, type StaffCaller } from '../auth/caller.ts';
import { anyStaff, type Role } from '../auth/roles.ts';
import type { ApiRouter } from '../auth/route-policy.ts';
import type { Db } from '../db/mongo.ts';
import { contactModel } from '../directory/contact-model.ts';
import { organisationModel } from '../directory/organisation-model.ts';
import { staffModel, toStaff } from '../directory/staff-model.ts';
import { readJson } from '../http/body.ts';
import { parseWith } from '../http/errors.ts';
import { type Booking, type BookingStatus, type TimeOff, timeOffModel } from './booking-model.ts';
import { joinInfo } from './booking-notices.ts';
import type { BookingService } from './booking-service.ts';

/**
 * 服务预约 on the mini-app's screens (我的预约, 预约管理). Thin: parse (zod), check who may touch
 * what, call BookingService, render. Bookings are made by customers in chat; staff list, cancel
 * and record the session that took place; admins configure types and limits; time off keeps
 * engineers out of the slot search.
 *
 *   GET    /api/bookings?from&to&engineerId&status  staff; engineers see their own bookings only
 *                                                   (engineerId forced to self) unless they are
 *                                                   also admin, team lead or dispatcher
 *   POST   /api/bookings/:id/cancel {reason?}       the booked engineer; dispatcher, team lead, admin any
 *   POST   /api/bookings/:id/session {minutes, note?}  the booked engineer; team lead, admin any
 *   GET    /api/booking-config                      staff
 *   PUT    /api/booking-config                      admin; the whole configuration, audited
 *   GET    /api/booking-engineers                   engineer, dispatcher, team lead, admin: who takes
 *                                                   bookings (time-off form, filters)
 *   GET    /api/time-off?from&to&engineerId         the same roles; engineers their own only, like bookings
 *   POST   /api/time-off {engineerId, from, to, reason?}  team lead, admin; an engineer for himself; audited
 *   DELETE /api/time-off/:id                        the same; audited
 *
 * Dates in queries are Beijing calendar days (`2026-11-23`, `to` included) or ISO instants with
 * an offset; without them a list covers a week back to a month ahead (bookings) or the next three
 * months (time off), on the server's clock. Lists scan the collection (bookings are few; the
 * service caps a list at 500 rows, and the answer says `truncated`).
 */
export interface BookingRouteDeps {
  db: Db;
  bookings: BookingService;
  now: () => Date;
}

/** Who sees every engineer's bookings and time off. */
const overseers: readonly Role[] = ['admin', 'teamLead', 'dispatcher'];
const bookingStaff = { allow: ['engineer', 'dispatcher', 'teamLead', 'admin'] } as const;
const sessionStaff = { allow: ['engineer', 'teamLead', 'admin'] } as const;
const timeOffWriters = { allow: ['engineer', 'teamLead', 'admin'] } as const;
const admin = { allow: ['admin'] } as const;

const bookingStatuses = ['booked', 'cancelled', 'completed'] as const satisfies readonly BookingStatus[];
/** BookingService.list returns at most this many. */
const listLimit = 500;
const dayMs = 86_400_000;
const maxRangeDays = 366;
const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** A Beijing calendar day (its start, or for `to` its end) or an ISO instant with an offset. */
function instant(label: string, edge: 'start' | 'end') {
  const message = `${label}须为日期（YYYY-MM-DD）或带时区的时间（如 2026-11-23T09:00:00+08:00）`;
  return z
    .string(message)
    .trim()
    .refine((s) => isoDay.test(s) || z.iso.datetime({ offset: true }).safeParse(s).success, message)
    .transform((s) => {
      if (!isoDay.test(s)) return new Date(s);
      const start = new Date(`${s}T00:00:00+08:00`);
      return edge === 'start' ? start : new Date(start.getTime() + dayMs);
    })
    .refine((d) => !Number.isNaN(d.getTime()), message);
}

/**
 * `to` after `from`, at most a year apart (both optional). Runs also when a field failed (zod goes
 * on after a failed refinement, with the raw string), so it checks that both are dates.
 */
function checkRange(
  q: { from?: unknown; to?: unknown },
  ctx: z.RefinementCtx,
  what = { order: '结束须晚于开始', long: `查询范围不能超过 ${maxRangeDays} 天` },
): void {
  const valid = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());
  if (!valid(q.from) || !valid(q.to)) return;
  if (q.to <= q.from) ctx.addIssue({ code: 'custom', message: what.order, path: ['to'] });
  else if (q.to.getTime() - q.from.getTime() > maxRangeDays * dayMs) {
    ctx.addIssue({ code: 'custom', message: what.long, path: ['to'] });
  }
}

/** Unknown body fields are refused, in Chinese. */
const strict = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' ? `不认识的字段：${(issue.keys ?? []).join('、')}` : undefined,
};

const fromParam = instant('开始日期（from）', 'start').optional();
const toParam = instant('结束日期（to）', 'end').optional();

const userIdSchema = z.string('请选择工程师').trim().min(1, '请选择工程师').max(64, '工程师账号过长');
const bookingIdSchema = z.string().trim().min(1).max(40);

const listQuerySchema = z
  .object({
    from: fromParam,
    to: toParam,
    engineerId: userIdSchema.optional(),
    status: z.enum(bookingStatuses, '状态（status）只能是 booked、cancelled 或 completed').optional(),
  })
  .superRefine(checkRange);
const timeOffQuerySchema = z
  .object({ from: fromParam, to: toParam, engineerId: userIdSchema.optional() })
  .superRefine(checkRange);

const cancelSchema = z.strictObject(
  { reason: z.string().trim().max(200, '原因不能超过 200 个字符').optional() },
  strict,
);
const sessionSchema = z.strictObject(
  {
    minutes: z
      .int('服务时长须为 1–1440 之间的整数分钟')
      .min(1, '服务时长须为 1–1440 之间的整数分钟')
      .max(1440, '服务时长须为 1–1440 之间的整数分钟'),
    note: z.string().trim().max(500, '说明不能超过 500 个字符').optional(),
  },
  strict,
);
const timeOffSchema = z
  .strictObject(
    {
      engineerId: userIdSchema,
      from: instant('开始时间', 'start'),
      to: instant('结束时间', 'end'),
      reason: z.string().trim().max(200, '原因不能超过 200 个字符').optional(),
    },
    strict,
  )
  .superRefine((t, ctx) =>
    checkRange(t, ctx, { order: '结束时间须晚于开始时间', long: `一次请假不能超过 ${maxRangeDays} 天` }),
  );

export function addBookingRoutes(router: ApiRouter, deps: BookingRouteDeps): void {
  const { db, bookings } = deps;

  router.get('/api/bookings', { allow: anyStaff }, async (ctx) => {
    const caller = staffCaller(ctx);
    const q = parseWith(listQuerySchema, ctx.query);
    const now = deps.now();
    // Default: a week back (sessions still to record) to a month ahead, Beijing days.
    const today = startOfBeijingDay(now);
    const from = q.from ?? new Date(today.getTime() - 7 * dayMs);
    const to = q.to ?? new Date(today.getTime() + 31 * dayMs);
    const engineerId = hasRole(caller, ...overseers) ? q.engineerId : caller.userId;
    const list = await bookings.list({
      from,
      to,
      ...(engineerId ? { engineerId } : {}),
      ...(q.status ? { status: q.status } : {}),
    });
    ctx.body = {
      now: now.toISOString(),
      from: from.toISOString(),
      to: to.toISOString(),
      ...(engineerId ? { engineerId } : {}),
      bookings: await rowsOf(db, list, caller, now),
      truncated: list.length >= listLimit,
    };
  });

  router.post('/api/bookings/:id/cancel', bookingStaff, async (ctx) => {
    const caller = staffCaller(ctx);
    const id = parseWith(bookingIdSchema, ctx.params.id);
    const body = parseWith(cancelSchema, await readOptionalJson(ctx));
    const booking = await bookingFor(bookings, id, caller);
    if (!mayCancel(caller, booking)) throw notYours('只能取消自己承接的预约');
    const now = deps.now();
    const done = await bookings.cancel({
      bookingId: id,
      actor: actorOf(caller),
      now,
      ...(body.reason ? { reason: body.reason } : {}),
    });
    if (booking.status === 'booked') {
      // The booking's history keeps the reason too; the audit log is the admins' view of changes.
      await recordAudit(db, {
        at: now,
        by: caller.userId,
        subject: `booking:${id}`,
        action: 'cancel',
        before: { status: booking.status, start: booking.start, engineerId: booking.engineerId },
        after: { status: done.status, ...(body.reason ? { reason: body.reason } : {}) },
      });
    }
    ctx.body = { booking: (await rowsOf(db, [done], caller, now))[0] };
  });

  router.post('/api/bookings/:id/session', sessionStaff, async (ctx) => {
    const caller = staffCaller(ctx);
    const id = parseWith(bookingIdSchema, ctx.params.id);
    const body = parseWith(sessionSchema, await readJson(ctx));
    const booking = await bookingFor(bookings, id, caller);
    if (!mayRecord(caller, booking)) throw notYours('只能为自己承接的预约登记服务记录');
    const now = deps.now();
    const done = await bookings.recordSession({
      bookingId: id,
      staff: { userId: caller.userId, name: caller.name, roles: caller.roles },
      minutes: body.minutes,
      ...(body.note ? { note: body.note } : {}),
      channel: 'miniapp',
      now,
    });
    ctx.body = { booking: (await rowsOf(db, [done], caller, now))[0] };
  });

  router.get('/api/booking-config', { allow: anyStaff }, async (ctx) => {
    ctx.body = { config: await bookings.config() };
  });

  router.put('/api/booking-config', admin, async (ctx) => {
    const caller = callerOf(ctx);
    const input = await readJson(ctx);
    const before = await bookings.config();
    const config = await bookings.saveConfig(input, caller.userId, deps.now());
    await recordAudit(db, {
      at: deps.now(),
      by: caller.userId,
      subject: 'booking-config',
      action: 'replace',
      before,
      after: config,
    });
    ctx.body = { config };
  });

  router.get('/api/booking-engineers', bookingStaff, async (ctx) => {
    const docs = await staffModel(db).find({ roles: 'engineer', active: true }).lean();
    ctx.body = {
      engineers: docs
        .map(toStaff)
        .sort((a, b) => a.userId.localeCompare(b.userId))
        .map((s) => ({ userId: s.userId, name: s.name, teamIds: s.teamIds })),
    };
  });

  router.get('/api/time-off', bookingStaff, async (ctx) => {
    const caller = staffCaller(ctx);
    const q = parseWith(timeOffQuerySchema, ctx.query);
    const now = deps.now();
    const from = q.from ?? startOfBeijingDay(now);
    const to = q.to ?? new Date(from.getTime() + 92 * dayMs);
    const engineerId = hasRole(caller, ...overseers) ? q.engineerId : caller.userId;
    const list = (await bookings.timeOffBetween(from, to))
      .filter((t) => !engineerId || t.engineerId === engineerId)
      .sort((a, b) => +new Date(a.from) - +new Date(b.from) || a.engineerId.localeCompare(b.engineerId));
    const names = await staffNames(
      db,
      list.map((t) => t.engineerId),
    );
    ctx.body = {
      from: from.toISOString(),
      to: to.toISOString(),
      timeOff: list.map((t) => timeOffRow(t, names, caller)),
    };
  });

  router.post('/api/time-off', timeOffWriters, async (ctx) => {
    const caller = staffCaller(ctx);
    const body = parseWith(timeOffSchema, await readJson(ctx));
    if (!mayManageTimeOff(caller, body.engineerId)) throw notYours('只能为自己登记请假');
    const engineer = await staffModel(db).findById(body.engineerId).lean();
    if (!engineer?.active || !engineer.roles.includes('engineer')) {
      throw new DomainError('validation', '请求内容不正确', {
        issues: [{ path: 'engineerId', message: `${body.engineerId} 不是在职的服务工程师` }],
      });
    }
    const now = deps.now();
    const saved = await bookings.addTimeOff({
      engineerId: body.engineerId,
      from: body.from,
      to: body.to,
      ...(body.reason ? { reason: body.reason } : {}),
      by: caller.userId,
      now,
    });
    await recordAudit(db, {
      at: now,
      by: caller.userId,
      subject: `time-off:${saved.engineerId}`,
      action: 'add',
      before: null,
      after: saved,
    });
    ctx.status = 201;
    ctx.body = { timeOff: timeOffRow(saved, new Map([[engineer._id, engineer.name]]), caller) };
  });

  router.delete('/api/time-off/:id', timeOffWriters, async (ctx) => {
    const caller = staffCaller(ctx);
    const id = parseWith(z.string().min(1).max(200), ctx.params.id);
    const existing = (await timeOffModel(db).findById(id).lean()) as TimeOff | null;
    // Another engineer's time off is answered like a missing one.
    if (!existing || !mayManageTimeOff(caller, existing.engineerId)) {
      throw new DomainError('notFound', '没有找到该请假记录', { details: { id } });
    }
    await bookings.removeTimeOff(id);
    await recordAudit(db, {
      at: deps.now(),
      by: caller.userId,
      subject: `time-off:${existing.engineerId}`,
      action: 'remove',
      before: existing,
      after: null,
    });
    ctx.body = { ok: true };
  });
}

// ---- who may do what

function staffCaller(ctx: Parameters<typeof callerOf>[0]): StaffCaller {
  const caller = callerOf(ctx);
  // The policies name staff roles only; a customer never gets here.
  if (caller.kind !== 'staff') throw new DomainError('forbidden', '您的角色无权进行此操作');
  return caller;
}

function actorOf(caller: StaffCaller) {
  return { kind: 'staff' as const, userId: caller.userId, name: caller.name, roles: caller.roles };
}

/** The booking; one that the caller may not see (another engineer's) is answered like a missing one. */
async function bookingFor(bookings: BookingService, id: string, caller: StaffCaller): Promise<Booking> {
  const booking = await bookings.getFor(id, actorOf(caller));
  if (!hasRole(caller, ...overseers) && booking.engineerId !== caller.userId) {
    throw new DomainError('notFound', `没有找到预约 ${id}`, { details: { bookingId: id } });
  }
  return booking;
}

function mayCancel(caller: StaffCaller, booking: Booking): boolean {
  return hasRole(caller, 'admin', 'teamLead', 'dispatcher') || booking.engineerId === caller.userId;
}

function mayRecord(caller: StaffCaller, booking: Booking): boolean {
  return hasRole(caller, 'admin', 'teamLead') || booking.engineerId === caller.userId;
}

function mayManageTimeOff(caller: StaffCaller, engineerId: string): boolean {
  return hasRole(caller, 'admin', 'teamLead') || engineerId === caller.userId;
}

function notYours(message: string): DomainError {
  return new DomainError('forbidden', message, { details: { reason: 'notYours' } });
}

// ---- rendering

export interface BookingRow {
  id: string;
  status: Booking['status'];
  type: { key: string; nameZh: string; nameEn: string; mode: Booking['mode'] };
  start: Date;
  end: Date;
  org: { id: string; name: string };
  contact: { userId: string; name: string; phone?: string };
  engineer: { userId: string; name: string };
  ticketNo?: string;
  note?: string;
  /** How the customer and the engineer meet ("参加方式"), as on the confirmation card. */
  joinInfo: string;
  session?: { minutes: number; recordedAt: Date; recordedBy: string; note?: string };
  /** What this caller may do with it now (the server checks again). */
  canCancel: boolean;
  canRecordSession: boolean;
}

async function rowsOf(db: Db, list: Booking[], caller: StaffCaller, now: Date): Promise<BookingRow[]> {
  const orgIds = [...new Set(list.map((b) => b.orgId))];
  const contactIds = [...new Set(list.map((b) => b.contactUserId))];
  const [orgs, contacts] = await Promise.all([
    orgIds.length
      ? organisationModel(db)
          .find({ _id: { $in: orgIds } }, { name: 1 })
          .lean()
      : [],
    contactIds.length
      ? contactModel(db)
          .find({ _id: { $in: contactIds } }, { phone: 1 })
          .lean()
      : [],
  ]);
  const orgName = new Map(orgs.map((o) => [String(o._id), String(o.name)]));
  const phone = new Map(contacts.map((c) => [String(c._id), c.phone as string | undefined]));
  return list.map((b) => {
    const contactPhone = phone.get(b.contactUserId);
    return {
      id: b._id,
      status: b.status,
      type: { key: b.typeKey, nameZh: b.typeNameZh, nameEn: b.typeNameEn, mode: b.mode },
      start: b.start,
      end: b.end,
      org: { id: b.orgId, name: orgName.get(b.orgId) ?? b.orgId },
      contact: {
        userId: b.contactUserId,
        name: b.contactName,
        ...(contactPhone ? { phone: contactPhone } : {}),
      },
      engineer: { userId: b.engineerId, name: b.engineerName },
      ...(b.ticketNo ? { ticketNo: b.ticketNo } : {}),
      ...(b.note ? { note: b.note } : {}),
      joinInfo: joinInfo(b),
      ...(b.session ? { session: b.session } : {}),
      canCancel: b.status === 'booked' && mayCancel(caller, b),
      canRecordSession: b.status === 'booked' && now >= new Date(b.start) && mayRecord(caller, b),
    };
  });
}

async function staffNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const docs = await staffModel(db)
    .find({ _id: { $in: unique } }, { name: 1 })
    .lean();
  return new Map(docs.map((d) => [String(d._id), String(d.name)]));
}

function timeOffRow(t: TimeOff, names: Map<string, string>, caller: StaffCaller) {
  return {
    id: t._id,
    engineerId: t.engineerId,
    engineerName: names.get(t.engineerId) ?? t.engineerId,
    from: t.from,
    to: t.to,
    ...(t.reason ? { reason: t.reason } : {}),
    createdBy: t.createdBy,
    canRemove: mayManageTimeOff(caller, t.engineerId),
  };
}

function startOfBeijingDay(at: Date): Date {
  const day = new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  return new Date(`${day}T00:00:00+08:00`);
}

/** A POST whose body is optional (cancel): no body is `{}`. */
async function readOptionalJson(ctx: Parameters<typeof readJson>[0]): Promise<unknown> {
  const length = Number(ctx.get('content-length') || 0);
  if (!length && !ctx.get('transfer-encoding')) return {};
  return readJson(ctx);
}
