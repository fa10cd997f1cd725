import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditModel } from '../../../server/audit/audit-log.ts';
import { type Booking, bookingModel } from '../../../server/bookings/booking-model.ts';
import type { Desk } from '../../../server/desk.ts';
import { getOrganisation } from '../../../server/directory/directory-service.ts';
import { importDirectory } from '../../../server/directory/import-directory.ts';
import type { Simulator } from '../../../simulator/simulator.ts';
import { freshDbName, openTestDb } from '../../support/db.ts';
import { startTestDesk, startTestSimulator } from '../../support/stack.ts';
import { type Client, signedIn } from '../auth/helpers.ts';

/**
 * 服务预约 over HTTP on the real stack (server/bookings/booking-routes.ts): list scoping by role,
 * the configuration (validation issues, audit), time off taking an engineer out of the slot search,
 * cancelling and recording a session (logged on the ticket). Bookings are made the way chat makes
 * them (desk.bookings.book). The desk's own HTTP server; the clock is the test's, from
 * Mon 2026-03-02 10:00 Asia/Shanghai.
 */
const directory = {
  organisations: [
    {
      id: 'org-a',
      name: '甲单位有限公司',
      licences: [
        {
          id: 'lic-a-ekp',
          productLine: 'EKP',
          servicePeriods: [{ kind: 'paid', from: '2026-01-01', to: '2027-12-31' }],
        },
      ],
      contacts: [{ userId: 'cust-a', name: '客户甲', phone: '13800000001' }],
    },
  ],
  teams: [
    { id: 'team-sort', name: '分拣中心', kind: 'sorting' },
    { id: 'support-ekp', name: 'EKP 支持组', kind: 'support', productLines: ['EKP'] },
  ],
  staff: [
    { userId: 'eng-1', name: '工程师一', roles: ['engineer'], teamIds: ['support-ekp'] },
    { userId: 'eng-2', name: '工程师二', roles: ['engineer'], teamIds: ['support-ekp'] },
    { userId: 'lead-1', name: '组长一', roles: ['teamLead'], teamIds: ['support-ekp'] },
    { userId: 'disp-1', name: '调度一', roles: ['dispatcher'], teamIds: ['team-sort'] },
    { userId: 'pc-1', name: '产品一', roles: ['productCentre'] },
    { userId: 'admin-1', name: '管理员一', roles: ['admin'] },
  ],
};

let nowMs = Date.parse('2026-03-02T10:00:00+08:00');
const now = () => new Date(nowMs);
const at = (local: string) => {
  nowMs = Date.parse(`${local}+08:00`);
};

let sim: Simulator;
let desk: Desk;
let base: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  const dbName = freshDbName();
  const db = await openTestDb(dbName);
  expect((await importDirectory(db, directory)).ok).toBe(true);
  await db.close();
  desk = await startTestDesk(sim, { dbName, env: { ROLES: 'server' }, now });
  base = desk.httpUrl!;
}, 120_000);

afterAll(async () => {
  await desk?.stop();
  await sim?.close();
});

/** Signed in fresh (the clock moves; an old session may have expired). */
const as = (userId: string): Promise<Client> => signedIn(sim, base, userId);

interface Row {
  id: string;
  status: string;
  type: { key: string; nameZh: string };
  start: string;
  end: string;
  org: { id: string; name: string };
  contact: { userId: string; name: string; phone?: string };
  engineer: { userId: string; name: string };
  ticketNo?: string;
  joinInfo: string;
  session?: { minutes: number; note?: string; recordedBy: string };
  canCancel: boolean;
  canRecordSession: boolean;
}
const rows = (json: unknown) => (json as { bookings: Row[] }).bookings;
const issues = (json: unknown) =>
  (json as { error: { issues: Array<{ path: string; message: string }> } }).error.issues;

let n = 0;
async function book(typeKey: string, start: string, ticketNo?: string): Promise<Booking> {
  const org = await getOrganisation(desk.db, 'org-a');
  return desk.bookings.book({
    org,
    contact: { userId: 'cust-a', name: '客户甲' },
    typeKey,
    start: new Date(`${start}+08:00`),
    ...(ticketNo ? { ticketNo } : {}),
    requestKey: `test:${++n}`,
    now: now(),
  });
}

async function offeredEngineers(day: string): Promise<string[]> {
  const org = await getOrganisation(desk.db, 'org-a');
  const offer = await desk.bookings.offer({
    org,
    typeKey: 'consultation',
    from: new Date(`${day}T09:00:00+08:00`),
    to: new Date(`${day}T18:00:00+08:00`),
    now: now(),
    limit: 50,
  });
  return [...new Set(offer.slots.flatMap((s) => s.engineerIds))].sort();
}

describe('bookings: list and scope', () => {
  let first: Booking;
  let second: Booking;

  beforeAll(async () => {
    // 10:00 + 2 working hours = 12:00, lunch until 13:00: both engineers are free at 13:00.
    first = await book('remoteSupport', '2026-03-02T13:00:00');
    second = await book('remoteSupport', '2026-03-02T13:00:00');
    expect([first.engineerId, second.engineerId].sort()).toEqual(['eng-1', 'eng-2']);
  });

  it('an engineer sees only their own bookings, whatever engineerId they ask for', async () => {
    const mine = first.engineerId;
    const e = await as(mine);
    const a = await e.call('GET', '/api/bookings?from=2026-03-01&to=2026-03-31');
    expect(a.status).toBe(200);
    expect(rows(a.json).map((r) => r.id)).toEqual([first._id]);
    const other = second.engineerId;
    const b = await e.call('GET', `/api/bookings?from=2026-03-01&to=2026-03-31&engineerId=${other}`);
    expect(rows(b.json).map((r) => r.engineer.userId)).toEqual([mine]);
    expect(b.json).toMatchObject({ engineerId: mine, now: now().toISOString(), truncated: false });
    const row = rows(a.json)[0]!;
    expect(row).toMatchObject({
      status: 'booked',
      type: { key: 'remoteSupport', nameZh: '远程支持' },
      start: '2026-03-02T05:00:00.000Z',
      end: '2026-03-02T06:00:00.000Z',
      org: { id: 'org-a', name: '甲单位有限公司' },
      contact: { userId: 'cust-a', name: '客户甲', phone: '13800000001' },
      engineer: { userId: mine },
      canCancel: true,
      canRecordSession: false, // not started yet
    });
    expect(row.joinInfo).toContain('钉钉');
  });

  it('admins, team leads and dispatchers see all, and may filter by engineer and status', async () => {
    for (const who of ['admin-1', 'lead-1', 'disp-1']) {
      const c = await as(who);
      const all = await c.call('GET', '/api/bookings?from=2026-03-02&to=2026-03-02');
      expect(
        rows(all.json)
          .map((r) => r.engineer.userId)
          .sort(),
        who,
      ).toEqual(['eng-1', 'eng-2']);
    }
    const admin = await as('admin-1');
    const one = await admin.call('GET', '/api/bookings?from=2026-03-02&to=2026-03-02&engineerId=eng-2');
    expect(rows(one.json).map((r) => r.engineer.userId)).toEqual(['eng-2']);
    const cancelled = await admin.call('GET', '/api/bookings?from=2026-03-02&to=2026-03-02&status=cancelled');
    expect(rows(cancelled.json)).toEqual([]);
    // outside the range: nothing
    const later = await admin.call('GET', '/api/bookings?from=2026-03-03&to=2026-03-31');
    expect(rows(later.json)).toEqual([]);
    // a product-centre member is staff but takes no bookings: their own list is empty
    const pc = await as('pc-1');
    expect(rows((await pc.call('GET', '/api/bookings?from=2026-03-02&to=2026-03-02')).json)).toEqual([]);
  });

  it('refuses bad queries field by field, and customers altogether', async () => {
    const admin = await as('admin-1');
    const bad = await admin.call('GET', '/api/bookings?from=yesterday&to=2026-03-01&status=done');
    expect(bad.status).toBe(400);
    expect(
      issues(bad.json)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['from', 'status']);
    const backwards = await admin.call('GET', '/api/bookings?from=2026-03-05&to=2026-03-01');
    expect(backwards.status).toBe(400);
    expect(issues(backwards.json)[0]).toMatchObject({ path: 'to', message: '结束须晚于开始' });
    const customer = await as('cust-a');
    const refused = await customer.call('GET', '/api/bookings');
    expect(refused.status).toBe(403);
    expect(refused.deniedBy).toBe('route-policy');
  });

  it('cancel: the booked engineer (with a reason, audited), not a colleague; unknown ids are 404', async () => {
    const colleague = await as(second.engineerId);
    const notTheirs = await colleague.call('POST', `/api/bookings/${first._id}/cancel`, { body: {} });
    expect(notTheirs.status).toBe(404);
    expect((await load(first._id)).status).toBe('booked');

    const owner = await as(first.engineerId);
    const done = await owner.call('POST', `/api/bookings/${first._id}/cancel`, {
      body: { reason: '工程师临时出差' },
    });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ booking: { id: first._id, status: 'cancelled', canCancel: false } });
    expect((await load(first._id)).status).toBe('cancelled');
    const audit = await auditModel(desk.db)
      .find({ subject: `booking:${first._id}` })
      .lean();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      by: first.engineerId,
      action: 'cancel',
      after: { reason: '工程师临时出差' },
    });

    // a retried request: the same answer, nothing more
    const again = await owner.call('POST', `/api/bookings/${first._id}/cancel`);
    expect(again.status).toBe(200);
    expect(await auditModel(desk.db).countDocuments({ subject: `booking:${first._id}` })).toBe(1);

    const unknown = await owner.call('POST', '/api/bookings/BK-NOPE0000/cancel', { body: {} });
    expect(unknown.status).toBe(404);
    const tooLong = await owner.call('POST', `/api/bookings/${second._id}/cancel`, {
      body: { reason: 'x'.repeat(201) },
    });
    expect(tooLong.status).toBe(400);
    expect(issues(tooLong.json)[0]!.path).toBe('reason');
    const customer = await as('cust-a');
    expect((await customer.call('POST', `/api/bookings/${second._id}/cancel`, { body: {} })).status).toBe(
      403,
    );
  });

  it('session: refused before the start; then the booked engineer records it once', async () => {
    const engineer = await as(second.engineerId);
    const early = await engineer.call('POST', `/api/bookings/${second._id}/session`, {
      body: { minutes: 50 },
    });
    expect(early.status).toBe(400);
    expect(early.json).toMatchObject({ error: { message: '预约尚未开始，不能登记服务记录' } });

    at('2026-03-02T14:05:00');
    try {
      const e = await as(second.engineerId);
      const bad = await e.call('POST', `/api/bookings/${second._id}/session`, { body: { minutes: 0 } });
      expect(bad.status).toBe(400);
      expect(issues(bad.json)[0]!.path).toBe('minutes');
      const colleague = await as(first.engineerId);
      const notTheirs = await colleague.call('POST', `/api/bookings/${second._id}/session`, {
        body: { minutes: 50 },
      });
      expect(notTheirs.status).toBe(404);
      const dispatcher = await as('disp-1');
      const notAllowed = await dispatcher.call('POST', `/api/bookings/${second._id}/session`, {
        body: { minutes: 50 },
      });
      expect(notAllowed.status).toBe(403);

      const listed = rows((await e.call('GET', '/api/bookings?from=2026-03-02&to=2026-03-02')).json);
      expect(listed.find((r) => r.id === second._id)).toMatchObject({ canRecordSession: true });
      const done = await e.call('POST', `/api/bookings/${second._id}/session`, {
        body: { minutes: 55, note: '已远程修复配置' },
      });
      expect(done.status).toBe(200);
      expect(done.json).toMatchObject({
        booking: {
          status: 'completed',
          session: { minutes: 55, note: '已远程修复配置', recordedBy: second.engineerId },
          canRecordSession: false,
          canCancel: false,
        },
      });
      expect((await load(second._id)).session).toMatchObject({ minutes: 55 });
      const unknown = await e.call('POST', '/api/bookings/BK-NOPE0000/session', { body: { minutes: 5 } });
      expect(unknown.status).toBe(404);
      // a completed booking cannot be cancelled any more
      const admin = await as('admin-1');
      const late = await admin.call('POST', `/api/bookings/${second._id}/cancel`, { body: {} });
      expect(late.status).toBe(409);
    } finally {
      at('2026-03-02T10:00:00');
    }
  });

  it("a session of a ticket's booking is logged on the ticket (remote service)", async () => {
    const customer = await as('cust-a');
    const filed = await customer.call('POST', '/api/tickets', {
      body: {
        productLine: 'EKP',
        level: 3,
        description: '需要远程协助排查流程引擎',
        sourceKey: `miniapp:${crypto.randomUUID()}`,
      },
    });
    expect(filed.status).toBe(201);
    const ticketNo = (filed.json as { ticketNo: string }).ticketNo;
    const booking = await book('consultation', '2026-03-03T10:00:00', ticketNo);
    at('2026-03-03T10:40:00');
    try {
      const lead = await as('lead-1'); // a team lead may record for the engineer
      const listed = rows((await lead.call('GET', '/api/bookings?from=2026-03-03&to=2026-03-03')).json);
      expect(listed.find((r) => r.id === booking._id)).toMatchObject({ ticketNo, canRecordSession: true });
      const done = await lead.call('POST', `/api/bookings/${booking._id}/session`, { body: { minutes: 25 } });
      expect(done.status).toBe(200);
      const ticket = await desk.lifecycle.load(ticketNo);
      const entry = ticket.timeline.find((e) => e.kind === 'remoteSession');
      expect(entry?.text).toContain('电话 25 分钟');
      expect(entry?.text).toContain(booking._id);
    } finally {
      at('2026-03-02T10:00:00');
    }
  });
});

describe('booking configuration', () => {
  it('any staff member reads it; only admins change it', async () => {
    const e = await as('eng-1');
    const a = await e.call('GET', '/api/booking-config');
    expect(a.status).toBe(200);
    const config = (a.json as { config: { types: Array<{ key: string }>; horizonDays: number } }).config;
    expect(config.types.map((t) => t.key)).toContain('onSite');
    expect(config.horizonDays).toBe(30);
    for (const who of ['cust-a', 'eng-1', 'lead-1', 'disp-1']) {
      const c = await as(who);
      const put = await c.call('PUT', '/api/booking-config', { body: config });
      expect(put.status, who).toBe(403);
      expect(put.json).toMatchObject({ error: { code: 'forbidden' } });
    }
    const customer = await as('cust-a');
    expect((await customer.call('GET', '/api/booking-config')).status).toBe(403);
  });

  it('refuses an invalid configuration with issues naming each field, and keeps the old one', async () => {
    const admin = await as('admin-1');
    const { config } = (await admin.call('GET', '/api/booking-config')).json as {
      config: { types: Array<Record<string, unknown>>; granularityMinutes: number };
    };
    const bad = {
      ...config,
      types: config.types.map((t, i) => (i === 0 ? { ...t, durationMinutes: 50 } : t)),
      granularityMinutes: 20,
      reminderMinutesBefore: [30, 30],
    };
    const a = await admin.call('PUT', '/api/booking-config', { body: bad });
    expect(a.status).toBe(400);
    expect(a.json).toMatchObject({ error: { code: 'validation', message: '预约配置无效' } });
    const byPath = new Map(issues(a.json).map((i) => [i.path, i.message]));
    expect(byPath.get('types[0].durationMinutes')).toBe('时长须为 15 分钟的整数倍');
    expect(byPath.get('granularityMinutes')).toContain('15、30、60');
    expect(byPath.get('reminderMinutesBefore')).toBe('提醒时间不能重复');
    const after = (await admin.call('GET', '/api/booking-config')).json as typeof a.json;
    expect(after).toEqual({ config });
    expect(await auditModel(desk.db).countDocuments({ subject: 'booking-config' })).toBe(0);
  });

  it('saves a valid one whole, audited with before and after', async () => {
    const admin = await as('admin-1');
    const { config } = (await admin.call('GET', '/api/booking-config')).json as {
      config: { types: Array<{ key: string; durationMinutes: number }>; horizonDays: number };
    };
    const next = {
      ...config,
      types: config.types.map((t) => (t.key === 'training' ? { ...t, durationMinutes: 90 } : t)),
      horizonDays: 45,
    };
    const a = await admin.call('PUT', '/api/booking-config', { body: next });
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ config: { horizonDays: 45 } });
    const e = await as('eng-2');
    const read = (await e.call('GET', '/api/booking-config')).json as typeof a.json;
    expect(read).toEqual(a.json);
    const audit = await auditModel(desk.db).find({ subject: 'booking-config' }).lean();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      by: 'admin-1',
      action: 'replace',
      before: { horizonDays: 30 },
      after: { horizonDays: 45 },
    });
    const training = (audit[0]!.after as typeof config).types.find((t) => t.key === 'training');
    expect(training?.durationMinutes).toBe(90);
  });
});

describe('time off', () => {
  it('an admin adds time off: the slot search no longer offers that engineer; removing it brings them back', async () => {
    expect(await offeredEngineers('2026-03-04')).toEqual(['eng-1', 'eng-2']);
    const admin = await as('admin-1');
    const added = await admin.call('POST', '/api/time-off', {
      body: { engineerId: 'eng-1', from: '2026-03-04', to: '2026-03-04', reason: '年假' },
    });
    expect(added.status).toBe(201);
    const timeOff = (added.json as { timeOff: { id: string; from: string; to: string } }).timeOff;
    expect(timeOff).toMatchObject({
      engineerId: 'eng-1',
      engineerName: '工程师一',
      from: '2026-03-03T16:00:00.000Z',
      to: '2026-03-04T16:00:00.000Z',
      reason: '年假',
      canRemove: true,
    });
    expect(await offeredEngineers('2026-03-04')).toEqual(['eng-2']);
    expect(await offeredEngineers('2026-03-05')).toEqual(['eng-1', 'eng-2']);
    const audit = await auditModel(desk.db).find({ subject: 'time-off:eng-1' }).lean();
    expect(audit.map((x) => x.action)).toEqual(['add']);

    // listed for overseers; an engineer sees only their own
    const lead = await as('lead-1');
    const listed = await lead.call('GET', '/api/time-off?from=2026-03-01&to=2026-03-31');
    expect((listed.json as { timeOff: Array<{ id: string }> }).timeOff.map((t) => t.id)).toEqual([
      timeOff.id,
    ]);
    const other = await as('eng-2');
    const theirs = await other.call('GET', '/api/time-off?from=2026-03-01&to=2026-03-31&engineerId=eng-1');
    expect((theirs.json as { timeOff: unknown[] }).timeOff).toEqual([]);

    // a colleague can neither add for nor remove another engineer's time off
    const forOther = await other.call('POST', '/api/time-off', {
      body: { engineerId: 'eng-1', from: '2026-03-05', to: '2026-03-05' },
    });
    expect(forOther.status).toBe(403);
    const removeOther = await other.call('DELETE', `/api/time-off/${encodeURIComponent(timeOff.id)}`);
    expect(removeOther.status).toBe(404);

    const removed = await admin.call('DELETE', `/api/time-off/${encodeURIComponent(timeOff.id)}`);
    expect(removed.status).toBe(200);
    expect(await offeredEngineers('2026-03-04')).toEqual(['eng-1', 'eng-2']);
    const again = await admin.call('DELETE', `/api/time-off/${encodeURIComponent(timeOff.id)}`);
    expect(again.status).toBe(404);
    expect(
      (await auditModel(desk.db).find({ subject: 'time-off:eng-1' }).sort({ at: 1 }).lean()).map(
        (x) => x.action,
      ),
    ).toEqual(['add', 'remove']);
  });

  it('an engineer adds and removes their own (hours, not whole days)', async () => {
    const e = await as('eng-2');
    const added = await e.call('POST', '/api/time-off', {
      body: { engineerId: 'eng-2', from: '2026-03-05T13:00:00+08:00', to: '2026-03-05T18:00:00+08:00' },
    });
    expect(added.status).toBe(201);
    const id = (added.json as { timeOff: { id: string } }).timeOff.id;
    const org = await getOrganisation(desk.db, 'org-a');
    const afternoon = await desk.bookings.offer({
      org,
      typeKey: 'consultation',
      from: new Date('2026-03-05T13:00:00+08:00'),
      to: new Date('2026-03-05T18:00:00+08:00'),
      now: now(),
      limit: 50,
    });
    expect(afternoon.slots.length).toBeGreaterThan(0);
    expect(afternoon.slots.every((s) => !s.engineerIds.includes('eng-2'))).toBe(true);
    expect(await offeredEngineers('2026-03-05')).toEqual(['eng-1', 'eng-2']); // the morning is free
    expect((await e.call('DELETE', `/api/time-off/${encodeURIComponent(id)}`)).status).toBe(200);
  });

  it('refuses a bad request field by field, and customers, dispatchers and product centre altogether', async () => {
    const admin = await as('admin-1');
    const bad = await admin.call('POST', '/api/time-off', {
      body: { engineerId: 'eng-1', from: '2026-03-06T12:00:00+08:00', to: '2026-03-06T09:00:00+08:00' },
    });
    expect(bad.status).toBe(400);
    expect(issues(bad.json)).toEqual([{ path: 'to', message: '结束时间须晚于开始时间' }]);
    const notDate = await admin.call('POST', '/api/time-off', {
      body: { engineerId: 'eng-1', from: 'tomorrow', to: '2026-03-06', extra: 1 },
    });
    expect(
      issues(notDate.json)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['(root)', 'from']);
    const notEngineer = await admin.call('POST', '/api/time-off', {
      body: { engineerId: 'disp-1', from: '2026-03-06', to: '2026-03-06' },
    });
    expect(notEngineer.status).toBe(400);
    expect(issues(notEngineer.json)[0]!.path).toBe('engineerId');
    expect((await admin.call('DELETE', '/api/time-off/nope')).status).toBe(404);
    for (const who of ['cust-a', 'disp-1', 'pc-1']) {
      const c = await as(who);
      const a = await c.call('POST', '/api/time-off', {
        body: { engineerId: 'eng-1', from: '2026-03-06', to: '2026-03-06' },
      });
      expect(a.status, who).toBe(403);
      expect(a.deniedBy).toBe('route-policy');
    }
    const customer = await as('cust-a');
    expect((await customer.call('GET', '/api/time-off')).status).toBe(403);
    expect((await customer.call('GET', '/api/booking-engineers')).status).toBe(403);
  });

  it('lists the engineers who take bookings', async () => {
    const admin = await as('admin-1');
    const a = await admin.call('GET', '/api/booking-engineers');
    expect(a.json).toEqual({
      engineers: [
        { userId: 'eng-1', name: '工程师一', teamIds: ['support-ekp'] },
        { userId: 'eng-2', name: '工程师二', teamIds: ['support-ekp'] },
      ],
    });
  });
});

async function load(id: string): Promise<Booking> {
  return (await bookingModel(desk.db).findById(id).lean()) as Booking;
}
