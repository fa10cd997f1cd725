import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Desk } from '../../../server/desk.ts';
import { importDirectory } from '../../../server/directory/import-directory.ts';
import { clockStateAt, nextCountdown } from '../../../server/reports/clock-snapshot.ts';
import { csvHeader } from '../../../server/reports/report-csv.ts';
import { monthsOf, shanghaiMonth } from '../../../server/reports/sla-report.ts';
import { type SlaClockSnapshot, type Ticket, ticketModel } from '../../../server/tickets/ticket-model.ts';
import { fileTicket } from '../../../server/tickets/ticket-service.ts';
import type { ResponseLevel } from '../../../shared/catalog.ts';
import type { Simulator } from '../../../simulator/simulator.ts';
import { freshDbName, openTestDb } from '../../support/db.ts';
import { startTestDesk, startTestSimulator } from '../../support/stack.ts';
import { type Client, signedIn } from '../auth/helpers.ts';

/**
 * The mini-app's read-only ticket routes and the service report over HTTP,
 * on the real stack (simulator for 免登, desk on the embedded database).
 * Tickets are filed with the real service and timed by the real SLA engine
 * (default policy, 5×8 calendar); the clock is fixed:
 *
 *   Mon 2026-03-02, Asia/Shanghai
 *   A1 level 2 filed 09:00: 8 working h → due 18:00 (09–12 + 13–18), at risk at 6 h → 16:00
 *   A2 level 1 filed 09:00: 1 working h → due 10:00
 *   B1 level 4 filed 16:00: 16 working h → Mon 2 h + Tue 8 h + Wed 6 h → due Wed 03-04 16:00
 *   A3 level 3 filed 09:00, answered 10:00 (met), closed 11:00, CSAT 4
 *   now = Mon 17:00 → A2 breached, A1 at risk, B1 on track
 */
const directory = {
  organisations: [
    { id: 'org-a', name: '甲单位有限公司', contacts: [{ userId: 'cust-a', name: '客户甲' }] },
    { id: 'org-b', name: '乙单位有限公司', contacts: [{ userId: 'cust-b', name: '客户乙' }] },
  ],
  teams: [
    { id: 'team-sort', name: '分拣中心', kind: 'sorting' },
    { id: 'support-ekp', name: 'EKP 支持组', kind: 'support', productLines: ['EKP'] },
  ],
  staff: [
    { userId: 'eng-1', name: '工程师一', roles: ['engineer'], teamIds: ['support-ekp'] },
    { userId: 'disp-1', name: '调度一', roles: ['dispatcher'], teamIds: ['team-sort'] },
    { userId: 'lead-1', name: '组长一', roles: ['teamLead'] },
    { userId: 'pc-1', name: '产品一', roles: ['productCentre'] },
    { userId: 'admin-1', name: '管理员一', roles: ['admin'] },
  ],
};

const clock = Date.parse('2026-03-02T17:00:00+08:00');
const now = () => new Date(clock);

let sim: Simulator;
let desk: Desk;
let base: string;
const no: Record<'A1' | 'A2' | 'A3' | 'B1', string> = { A1: '', A2: '', A3: '', B1: '' };

async function file(
  key: string,
  org: 'org-a' | 'org-b',
  level: ResponseLevel,
  filedAt: string,
  description: string,
): Promise<Ticket> {
  const createdAt = new Date(filedAt);
  const sla = await desk.sla.start({ level, createdAt });
  const { ticket } = await fileTicket(
    desk.db,
    {
      orgId: org,
      orgName: org === 'org-a' ? '甲单位有限公司' : '乙单位有限公司',
      contact: org === 'org-a' ? { userId: 'cust-a', name: '客户甲' } : { userId: 'cust-b', name: '客户乙' },
      productLine: 'EKP',
      level,
      description,
      channel: 'dingtalk',
      entitled: true,
      sourceKey: `test:${key}`,
      sla: sla.sla,
      nextEscalationAt: sla.nextEscalationAt,
    },
    { prefix: 'SD' },
    createdAt,
  );
  return ticket;
}

beforeAll(async () => {
  sim = await startTestSimulator();
  const dbName = freshDbName();
  const db = await openTestDb(dbName);
  expect((await importDirectory(db, directory)).ok).toBe(true);
  await db.close();
  desk = await startTestDesk(sim, { dbName, env: { ROLES: 'server' }, now });
  base = desk.httpUrl!;

  no.A1 = (await file('a1', 'org-a', 2, '2026-03-02T09:00:00+08:00', '流程审批页面报错 500'))._id;
  no.A2 = (await file('a2', 'org-a', 1, '2026-03-02T09:00:00+08:00', '系统无法登录'))._id;
  no.B1 = (await file('b1', 'org-b', 4, '2026-03-02T16:00:00+08:00', '如何配置单点登录'))._id;
  const a3 = await file('a3', 'org-a', 3, '2026-03-02T09:00:00+08:00', '报表导出乱码');
  no.A3 = a3._id;

  const Tickets = ticketModel(desk.db);
  // A1: assigned to the engineer, owned by the dispatcher, with an internal note
  await Tickets.updateOne(
    { _id: no.A1 },
    {
      $set: { status: 'assigned', teamId: 'support-ekp', assigneeUserId: 'eng-1', ownerUserId: 'disp-1' },
      $push: {
        timeline: {
          $each: [
            {
              at: new Date('2026-03-02T09:30:00+08:00'),
              kind: 'status',
              by: { kind: 'staff', userId: 'disp-1', name: '调度一' },
              channel: 'miniapp',
              from: 'triage',
              to: 'assigned',
              action: 'dispatch',
              target: { kind: 'person', id: 'eng-1', name: '工程师一' },
            },
            {
              at: new Date('2026-03-02T09:40:00+08:00'),
              kind: 'comment',
              by: { kind: 'staff', userId: 'eng-1', name: '工程师一' },
              channel: 'dingtalk',
              text: '内部备注：客户环境是集群部署',
            },
          ],
        },
      },
    },
  );
  // A3: answered at 10:00 (1 working hour of 12: met), closed at 11:00, rated 4
  const met: SlaClockSnapshot = {
    ...a3.sla!.clocks[0]!,
    state: 'met',
    elapsedMinutes: 60,
    completedAt: new Date('2026-03-02T10:00:00+08:00'),
  };
  await Tickets.updateOne(
    { _id: no.A3 },
    {
      $set: {
        status: 'closed',
        open: false,
        teamId: 'support-ekp',
        'sla.clocks': [met],
        'sla.firstResponseAt': new Date('2026-03-02T10:00:00+08:00'),
        csat: { rating: 4, at: new Date('2026-03-02T11:05:00+08:00') },
      },
      $push: {
        timeline: {
          at: new Date('2026-03-02T11:00:00+08:00'),
          kind: 'status',
          by: { kind: 'customer', userId: 'cust-a', name: '客户甲' },
          channel: 'dingtalk',
          from: 'solutionProposed',
          to: 'closed',
          action: 'customerConfirmed',
        },
      },
    },
  );
}, 120_000);

afterAll(async () => {
  await desk?.stop();
  await sim?.close();
});

interface Row {
  ticketNo: string;
  orgId: string;
  status: string;
  assigneeName?: string;
  teamName?: string;
  countdown: { target: string; state: string; dueAt: string | null; msLeft: number | null } | null;
}
interface ListAnswer {
  queue: string;
  now: string;
  tickets: Row[];
  truncated: boolean;
}

async function list(client: Client, query = ''): Promise<{ status: number; body: ListAnswer }> {
  const a = await client.call('GET', `/api/tickets${query}`);
  return { status: a.status, body: a.json as ListAnswer };
}

describe('GET /api/tickets — queues', () => {
  it("gives a customer their organisation's tickets only, newest first, with countdowns", async () => {
    const c = await signedIn(sim, base, 'cust-a');
    const { status, body } = await list(c);
    expect(status).toBe(200);
    expect(body.queue).toBe('org');
    expect(body.now).toBe('2026-03-02T09:00:00.000Z');
    expect(body.tickets.map((t) => t.orgId)).toEqual(['org-a', 'org-a', 'org-a']);
    expect(body.tickets.map((t) => t.ticketNo).sort()).toEqual([no.A1, no.A2, no.A3].sort());
    const a1 = body.tickets.find((t) => t.ticketNo === no.A1)!;
    expect(a1.countdown).toMatchObject({
      target: 'firstResponse',
      state: 'atRisk',
      dueAt: '2026-03-02T10:00:00.000Z', // 18:00 Shanghai
      msLeft: 3_600_000,
    });
    // closed: no countdown
    expect(body.tickets.find((t) => t.ticketNo === no.A3)!.countdown).toBeNull();
    // only open ones
    const open = await list(c, '?include=open');
    expect(open.body.tickets.map((t) => t.ticketNo).sort()).toEqual([no.A1, no.A2].sort());
  });

  it("refuses a customer another organisation's list, and the staff queues", async () => {
    const c = await signedIn(sim, base, 'cust-a');
    const other = await c.call('GET', '/api/tickets?queue=org&orgId=org-b');
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.json)).not.toContain(no.B1);
    expect((await c.call('GET', '/api/tickets?orgId=org-a')).status).toBe(200);
    for (const queue of ['triage', 'mine']) {
      const a = await c.call('GET', `/api/tickets?queue=${queue}`);
      expect(a.status, queue).toBe(403);
      expect(a.json).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('orders the triage queue by urgency: breached, at risk, on track', async () => {
    const d = await signedIn(sim, base, 'disp-1');
    const { status, body } = await list(d, '?queue=triage');
    expect(status).toBe(200);
    // A1 was dispatched: no longer in triage; A3 is closed
    expect(body.tickets.map((t) => t.ticketNo)).toEqual([no.A2, no.B1]);
    expect(body.tickets[0]!.countdown).toMatchObject({ state: 'breached', msLeft: -7 * 3_600_000 });
    expect(body.tickets[1]!.countdown).toMatchObject({
      state: 'onTrack',
      dueAt: '2026-03-04T08:00:00.000Z', // Wed 16:00 Shanghai
    });
    // team leads and admins see it too; engineers and the product centre do not
    for (const who of ['lead-1', 'admin-1'])
      expect((await list(await signedIn(sim, base, who), '?queue=triage')).status, who).toBe(200);
    for (const who of ['eng-1', 'pc-1'])
      expect((await list(await signedIn(sim, base, who), '?queue=triage')).status, who).toBe(403);
  });

  it("gives staff 'mine': assigned or owned, with names", async () => {
    const e = await signedIn(sim, base, 'eng-1');
    const mine = await list(e);
    expect(mine.body.queue).toBe('mine');
    expect(mine.body.tickets.map((t) => t.ticketNo)).toEqual([no.A1]);
    expect(mine.body.tickets[0]).toMatchObject({ assigneeName: '工程师一', teamName: 'EKP 支持组' });
    const owner = await list(await signedIn(sim, base, 'disp-1'), '?queue=mine');
    expect(owner.body.tickets.map((t) => t.ticketNo)).toEqual([no.A1]);
    expect((await list(await signedIn(sim, base, 'lead-1'), '?queue=mine')).body.tickets).toEqual([]);
  });

  it('lets staff read any organisation', async () => {
    const e = await signedIn(sim, base, 'eng-1');
    const b = await list(e, '?queue=org&orgId=org-b');
    expect(b.body.tickets.map((t) => t.ticketNo)).toEqual([no.B1]);
    const all = await list(e, '?queue=org&limit=2');
    expect(all.body.tickets).toHaveLength(2);
    expect(all.body.truncated).toBe(true);
  });

  it('refuses bad parameters field by field', async () => {
    const c = await signedIn(sim, base, 'disp-1');
    const a = await c.call('GET', '/api/tickets?queue=everything&limit=0');
    expect(a.status).toBe(400);
    const paths = (a.json as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path);
    expect(paths.sort()).toEqual(['limit', 'queue']);
  });
});

describe('GET /api/tickets/:no — detail', () => {
  it('shows a customer their ticket with its timeline, without internal notes', async () => {
    const c = await signedIn(sim, base, 'cust-a');
    const a = await c.call('GET', `/api/tickets/${no.A1}`);
    expect(a.status).toBe(200);
    const t = (a.json as { ticket: Record<string, unknown> }).ticket as {
      description: string;
      timeline: Array<{ kind: string; by: { userId?: string } }>;
      sla: { clocks: Array<{ target: string; state: string }> };
    };
    expect(t.description).toBe('流程审批页面报错 500');
    expect(t.timeline.map((e) => e.kind)).toEqual(['created', 'status']);
    expect(t.timeline[1]!.by.userId).toBeUndefined();
    expect(t.sla.clocks[0]).toMatchObject({ target: 'firstResponse', state: 'atRisk' });
    expect(JSON.stringify(a.json)).not.toContain('内部备注');
  });

  it('shows staff the full timeline', async () => {
    const e = await signedIn(sim, base, 'eng-1');
    const a = await e.call('GET', `/api/tickets/${no.A1}`);
    const kinds = (a.json as { ticket: { timeline: Array<{ kind: string }> } }).ticket.timeline.map(
      (x) => x.kind,
    );
    expect(kinds).toEqual(['created', 'status', 'comment']);
  });

  it("answers another organisation's ticket exactly like a missing one", async () => {
    const c = await signedIn(sim, base, 'cust-a');
    const other = await c.call('GET', `/api/tickets/${no.B1}`);
    const missing = await c.call('GET', '/api/tickets/SD-2026-999999');
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    const shape = (j: unknown) => {
      const e = (j as { error: { code: string; message: string } }).error;
      return { code: e.code, message: e.message.replace(/SD-\d{4}-\d{6}/, 'N') };
    };
    expect(shape(other.json)).toEqual(shape(missing.json));
    expect(JSON.stringify(other.json)).not.toContain('乙单位');
    // and its clocks too
    expect((await c.call('GET', `/api/tickets/${no.B1}/sla`)).status).toBe(404);
    // their own organisation's colleague may
    expect((await (await signedIn(sim, base, 'cust-b')).call('GET', `/api/tickets/${no.B1}`)).status).toBe(
      200,
    );
  });
});

interface ReportAnswer {
  range: { from: string; to: string };
  total: Figures;
  byLevel: Figures[];
  byTeam: Figures[];
  byMonth: Figures[];
  outOfSla: number;
  backlog: { total: number; buckets: Array<{ key: string; count: number }> };
}
interface Figures {
  key: string;
  label: string;
  tickets: number;
  met: number;
  missed: number;
  pending: number;
  complianceRate: number | null;
  firstResponse: { count: number; avgMinutes: number | null };
  resolution: { count: number; avgHours: number | null };
  csat: { count: number; avg: number | null };
}

describe('GET /api/reports/sla', () => {
  it('counts compliance per level, team and month from the clock snapshots', async () => {
    const lead = await signedIn(sim, base, 'lead-1');
    const a = await lead.call('GET', '/api/reports/sla?from=2026-02-01&to=2026-03-31');
    expect(a.status).toBe(200);
    const r = a.json as ReportAnswer;
    expect(r.range).toEqual({ from: '2026-02-01', to: '2026-03-31' });
    expect(r.total).toMatchObject({ tickets: 4, met: 1, missed: 1, pending: 2, complianceRate: 0.5 });
    const level = (n: number) => r.byLevel.find((f) => f.key === String(n))!;
    expect(r.byLevel.map((f) => f.key)).toEqual(['1', '2', '3', '4', '5']);
    expect(level(1)).toMatchObject({ tickets: 1, missed: 1, complianceRate: 0 });
    expect(level(2)).toMatchObject({ tickets: 1, pending: 1, complianceRate: null });
    expect(level(3)).toMatchObject({
      tickets: 1,
      met: 1,
      complianceRate: 1,
      firstResponse: { count: 1, avgMinutes: 60 },
      resolution: { count: 1, avgHours: 2 },
      csat: { count: 1, avg: 4 },
    });
    expect(r.byTeam.map((f) => [f.key, f.label, f.tickets])).toEqual([
      ['-', '未分派（分拣中心）', 2],
      ['support-ekp', 'EKP 支持组', 2],
    ]);
    expect(r.byMonth.map((f) => [f.key, f.tickets])).toEqual([
      ['2026-02', 0],
      ['2026-03', 4],
    ]);
    expect(r.backlog.total).toBe(3);
    expect(r.backlog.buckets.map((b) => [b.key, b.count])).toEqual([
      ['lt1d', 3],
      ['1to3d', 0],
      ['3to7d', 0],
      ['7to30d', 0],
      ['gt30d', 0],
    ]);
  });

  it('defaults to the last six months up to today', async () => {
    const a = await (await signedIn(sim, base, 'admin-1')).call('GET', '/api/reports/sla');
    expect((a.json as ReportAnswer).range).toEqual({ from: '2025-10-01', to: '2026-03-02' });
    expect((a.json as ReportAnswer).byMonth).toHaveLength(6);
  });

  it('serves the figures as CSV for Excel: BOM, zh headers, one row per group', async () => {
    const d = await signedIn(sim, base, 'disp-1');
    const res = await fetch(`${base}/api/reports/sla?from=2026-03-01&to=2026-03-31&format=csv`, {
      headers: { cookie: `desk_session=${d.cookie}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain(
      'attachment; filename="sla-report_2026-03-01_2026-03-31.csv"',
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(csvHeader.join(','));
    const cells = lines.map((l) => l.split(','));
    expect(cells.every((c) => c.length === csvHeader.length)).toBe(true);
    // 合计, 5 levels, 2 teams, 1 month, 不计入SLA, 5 backlog buckets
    expect(cells.slice(1).map((c) => c[0])).toEqual([
      '合计',
      ...Array(5).fill('响应级别'),
      '团队',
      '团队',
      '月份',
      '不计入SLA',
      ...Array(5).fill('未结工单账龄'),
    ]);
    expect(cells[1]).toEqual([
      '合计',
      '2026-03-01 至 2026-03-31',
      '4',
      '4',
      '1',
      '1',
      '2',
      '50',
      '60',
      '60',
      '2',
      '2',
      '4',
      '1',
    ]);
    expect(cells[2]!.slice(0, 2)).toEqual(['响应级别', '一级']);
  });

  it('is for team leads, dispatchers and admins; bad dates are refused by field', async () => {
    for (const who of ['cust-a', 'eng-1', 'pc-1']) {
      const a = await (await signedIn(sim, base, who)).call('GET', '/api/reports/sla');
      expect(a.status, who).toBe(403);
    }
    const admin = await signedIn(sim, base, 'admin-1');
    const bad = await admin.call('GET', '/api/reports/sla?from=2026-02-30&format=xls');
    expect(bad.status).toBe(400);
    const issues = (bad.json as { error: { issues: Array<{ path: string; message: string }> } }).error.issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['format', 'from']);
    expect(issues.find((i) => i.path === 'from')!.message).toContain('开始日期');
    const backwards = await admin.call('GET', '/api/reports/sla?from=2026-03-10&to=2026-03-01');
    expect(backwards.status).toBe(400);
    expect(backwards.json).toMatchObject({ error: { issues: [{ path: 'to' }] } });
  });
});

describe('clock snapshots read at an instant (pure)', () => {
  const snap = (over: Partial<SlaClockSnapshot>): SlaClockSnapshot => ({
    target: 'firstResponse',
    state: 'running',
    unit: 'working',
    budgetMinutes: 60,
    elapsedMinutes: 0,
    dueAt: new Date('2026-03-02T02:00:00Z'),
    atRiskAt: new Date('2026-03-02T01:45:00Z'),
    ...over,
  });

  it('turns a running snapshot at risk, then breached, as time passes', () => {
    expect(clockStateAt(snap({}), new Date('2026-03-02T01:44:59Z'))).toBe('onTrack');
    expect(clockStateAt(snap({}), new Date('2026-03-02T01:45:00Z'))).toBe('atRisk');
    expect(clockStateAt(snap({}), new Date('2026-03-02T02:00:00Z'))).toBe('breached');
    expect(clockStateAt(snap({ state: 'met' }), new Date('2026-03-03T00:00:00Z'))).toBe('met');
  });

  it('counts down the next clock due; a paused one only when nothing else runs', () => {
    const at = new Date('2026-03-02T01:00:00Z');
    const resolution = snap({
      target: 'resolution',
      dueAt: new Date('2026-03-05T02:00:00Z'),
      atRiskAt: null,
    });
    expect(nextCountdown([resolution, snap({})], at)).toMatchObject({
      target: 'firstResponse',
      msLeft: 3_600_000,
    });
    const paused = snap({ target: 'nextUpdate', state: 'paused', dueAt: null, atRiskAt: null });
    expect(nextCountdown([snap({ state: 'met' }), paused], at)).toMatchObject({
      target: 'nextUpdate',
      state: 'paused',
      msLeft: null,
      remainingMinutes: 60,
    });
    expect(nextCountdown([snap({ state: 'met' })], at)).toBeNull();
  });

  it('names Shanghai months and every month of a range', () => {
    expect(shanghaiMonth(new Date('2026-02-28T16:00:00Z'))).toBe('2026-03');
    expect(monthsOf({ from: '2025-11-15', to: '2026-02-01' })).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });
});
