import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditModel } from '../../../server/audit/audit-log.ts';
import { authSettingsFrom } from '../../../server/auth/from-config.ts';
import { loadConfig } from '../../../server/config.ts';
import { simulatorApp } from '../../../server/demo/simulator-registry.ts';
import type { Desk } from '../../../server/desk.ts';
import { DingTalkClient } from '../../../server/dingtalk/dingtalk-client.ts';
import { importDirectory } from '../../../server/directory/import-directory.ts';
import { createHttpApp, listen } from '../../../server/http/app.ts';
import { ticketModel } from '../../../server/tickets/ticket-model.ts';
import type { Simulator } from '../../../simulator/simulator.ts';
import { freshDbName, openTestDb } from '../../support/db.ts';
import { startTestDesk, startTestSimulator } from '../../support/stack.ts';
import { type Client, signedIn } from '../auth/helpers.ts';

/**
 * The mini-app's write routes over HTTP on the real stack: new tickets (POST /api/tickets,
 * IntakeService), ticket actions (POST /api/tickets/:no/actions, LifecycleService) and the
 * directory's admin routes. The app is built here with the desk's lifecycle and intake services
 * (the same objects the bot uses), on the desk's database; the clock is fixed at Mon
 * 2026-03-02 10:00 Asia/Shanghai.
 */
const directory = {
  organisations: [
    {
      id: 'org-a',
      name: '甲单位有限公司',
      region: '西安',
      contractTier: 'standard',
      licences: [
        {
          id: 'lic-a-ekp',
          productLine: 'EKP',
          servicePeriods: [{ kind: 'paid', from: '2026-01-01', to: '2027-12-31' }],
        },
      ],
      contacts: [{ userId: 'cust-a', name: '客户甲' }],
    },
    { id: 'org-b', name: '乙单位有限公司', contacts: [{ userId: 'cust-b', name: '客户乙' }] },
  ],
  teams: [
    { id: 'team-sort', name: '分拣中心', kind: 'sorting' },
    { id: 'support-ekp', name: 'EKP 支持组', kind: 'support', productLines: ['EKP'] },
  ],
  staff: [
    { userId: 'eng-1', name: '工程师一', roles: ['engineer'], teamIds: ['support-ekp'] },
    { userId: 'disp-1', name: '调度一', roles: ['dispatcher'], teamIds: ['team-sort'] },
    { userId: 'admin-1', name: '管理员一', roles: ['admin'] },
  ],
};

const now = () => new Date('2026-03-02T10:00:00+08:00');

let sim: Simulator;
let desk: Desk;
let server: Server;
let base: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  const dbName = freshDbName();
  const db = await openTestDb(dbName);
  expect((await importDirectory(db, directory)).ok).toBe(true);
  await db.close();
  desk = await startTestDesk(sim, { dbName, env: { ROLES: 'server' }, now });
  const app = createHttpApp({
    db: desk.db,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    productLines: ['EKP', 'KMS', 'EIS', 'KK'],
    auth: {
      dingtalk: new DingTalkClient({
        clientId: simulatorApp.clientId,
        clientSecret: simulatorApp.clientSecret,
        robotCode: simulatorApp.robotCode,
        apiBase: sim.url,
        oapiBase: sim.url,
      }),
      corpId: simulatorApp.corpId,
      now,
      ...authSettingsFrom(loadConfig({})),
    },
    lifecycle: desk.lifecycle,
    intake: desk.intake,
  });
  ({ server, url: base } = await listen(app, '127.0.0.1', 0));
}, 120_000);

afterAll(async () => {
  server?.close();
  server?.closeAllConnections();
  await desk?.stop();
  await sim?.close();
});

const as = (userId: string): Promise<Client> => signedIn(sim, base, userId);

interface Detail {
  ticket: {
    ticketNo: string;
    status: string;
    level: number;
    timeline: Array<{ kind: string; text?: string }>;
  };
  actions: string[];
}

async function fileAsCustomer(description: string, key = crypto.randomUUID()): Promise<string> {
  const c = await as('cust-a');
  const a = await c.call('POST', '/api/tickets', {
    body: { productLine: 'EKP', level: 2, description, sourceKey: `miniapp:${key}` },
  });
  expect(a.status).toBe(201);
  return (a.json as { ticketNo: string }).ticketNo;
}

describe('POST /api/tickets (customer)', () => {
  it('files once per submission key and answers the promise', async () => {
    const c = await as('cust-a');
    const key = crypto.randomUUID();
    const body = {
      productLine: 'EKP',
      level: 2,
      description: '流程审批页面报错 500',
      sourceKey: `miniapp:${key}`,
    };
    const [first, second] = await Promise.all([
      c.call('POST', '/api/tickets', { body }),
      c.call('POST', '/api/tickets', { body }),
    ]);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const a = first.json as { ticketNo: string; promise: string };
    expect((second.json as { ticketNo: string }).ticketNo).toBe(a.ticketNo);
    expect(a.promise).toMatch(/\d/);
    const third = await c.call('POST', '/api/tickets', { body });
    expect((third.json as { ticketNo: string }).ticketNo).toBe(a.ticketNo);
    expect(await ticketModel(desk.db).countDocuments({ sourceKey: `miniapp:${key}` })).toBe(1);
    const stored = await ticketModel(desk.db).findById(a.ticketNo).lean();
    expect(stored).toMatchObject({ orgId: 'org-a', channel: 'miniapp', status: 'triage', level: 2 });
    const list = await c.call('GET', '/api/tickets');
    expect((list.json as { tickets: Array<{ ticketNo: string }> }).tickets.map((t) => t.ticketNo)).toContain(
      a.ticketNo,
    );
  });

  it('names every bad field and files nothing', async () => {
    const c = await as('cust-a');
    const a = await c.call('POST', '/api/tickets', {
      body: { productLine: '', level: 9, description: '短', sourceKey: 'x' },
    });
    expect(a.status).toBe(400);
    const paths = (a.json as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path);
    expect(paths.sort()).toEqual(['description', 'level', 'productLine', 'sourceKey']);
    const unknown = await c.call('POST', '/api/tickets', {
      body: {
        productLine: 'XYZ',
        level: 3,
        description: '无法登录系统',
        sourceKey: `miniapp:${crypto.randomUUID()}`,
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ error: { issues: [{ path: 'productLine' }] } });
  });

  it('is for customers only', async () => {
    const e = await as('eng-1');
    const a = await e.call('POST', '/api/tickets', {
      body: {
        productLine: 'EKP',
        level: 2,
        description: '工程师代提',
        sourceKey: `miniapp:${crypto.randomUUID()}`,
      },
    });
    expect(a.status).toBe(403);
  });
});

describe('POST /api/tickets/:no/actions', () => {
  it('walks a ticket through dispatch, claim, reply, level, solution, confirmation and rating', async () => {
    const no = await fileAsCustomer('报表导出中文乱码');
    const disp = await as('disp-1');
    const eng = await as('eng-1');
    const cust = await as('cust-a');
    const act = (c: Client, body: unknown) => c.call('POST', `/api/tickets/${no}/actions`, { body });

    expect(
      ((await disp.call('GET', `/api/tickets/${no}/actions`)).json as { actions: string[] }).actions,
    ).toContain('dispatch');
    const noTarget = await act(disp, { action: 'dispatch' });
    expect(noTarget.status).toBe(400);
    expect(noTarget.json).toMatchObject({ error: { code: 'validation' } });

    const dispatched = await act(disp, { action: 'dispatch', target: { kind: 'team', id: 'support-ekp' } });
    expect(dispatched.status).toBe(200);
    expect((dispatched.json as Detail).ticket).toMatchObject({ status: 'assigned', teamName: 'EKP 支持组' });

    // the engineer may not dispatch (the table's refusal, 403 with the zh reason)
    const claimed = await act(eng, { action: 'claim' });
    expect((claimed.json as Detail).ticket.status).toBe('inProgress');
    expect((claimed.json as Detail).actions).toEqual(
      expect.arrayContaining(['askCustomer', 'proposeSolution', 'reply']),
    );

    const again = await act(eng, { action: 'claim' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({
      error: { code: 'invalidTransition', message: expect.stringContaining('处理中') },
    });

    const replied = await act(eng, { action: 'reply', text: '请提供导出的文件样例' });
    expect(replied.status).toBe(200);
    expect((replied.json as Detail).ticket.timeline.at(-1)).toMatchObject({
      kind: 'reply',
      text: '请提供导出的文件样例',
    });
    const emptyReply = await act(eng, { action: 'reply', text: '  ' });
    expect(emptyReply.status).toBe(400);

    const level = await act(eng, { action: 'changeLevel', level: 3 });
    expect((level.json as Detail).ticket.level).toBe(3);
    const sameLevel = await act(eng, { action: 'changeLevel', level: 3 });
    expect(sameLevel.status).toBe(409);

    const remote = await act(eng, { action: 'remoteSession', mode: 'phone', minutes: 15 });
    expect((remote.json as Detail).ticket.timeline.at(-1)).toMatchObject({ kind: 'remoteSession' });

    // a customer may not reply as staff, nor confirm before a solution is proposed
    expect((await act(cust, { action: 'reply', text: 'x' })).status).toBe(403);
    const early = await act(cust, { action: 'customerConfirmed' });
    expect(early.status).toBe(409);

    const noReason = await act(eng, { action: 'proposeSolution' });
    expect(noReason.status).toBe(400);
    expect(noReason.json).toMatchObject({ error: { message: expect.stringContaining('解决方案') } });
    const proposed = await act(eng, { action: 'proposeSolution', reason: '已修复字符集配置' });
    expect((proposed.json as Detail).ticket.status).toBe('solutionProposed');

    expect(
      ((await cust.call('GET', `/api/tickets/${no}/actions`)).json as { actions: string[] }).actions,
    ).toEqual(['customerConfirmed', 'customerRejected']);
    const tooEarlyRating = await act(cust, { action: 'rate', rating: 5 });
    expect(tooEarlyRating.status).toBe(409);
    const rejectedNoReason = await act(cust, { action: 'customerRejected' });
    expect(rejectedNoReason.status).toBe(400);
    const confirmed = await act(cust, { action: 'customerConfirmed' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toMatchObject({ ticket: { status: 'closed' }, actions: ['rate'] });
    const rated = await act(cust, { action: 'rate', rating: 5, comment: '响应很快' });
    expect(rated.json).toMatchObject({ ticket: { csat: { rating: 5, comment: '响应很快' } }, actions: [] });

    const stored = await desk.lifecycle.load(no);
    expect(stored.timeline.filter((e) => e.channel === 'miniapp').length).toBeGreaterThanOrEqual(8);
  });

  it("answers another organisation's ticket like a missing one, whatever the action", async () => {
    const no = await fileAsCustomer('单点登录失败');
    const other = await as('cust-b');
    for (const body of [
      { action: 'customerConfirmed' },
      { action: 'reopen' },
      { action: 'rate', rating: 1 },
      {},
    ]) {
      const a = await other.call('POST', `/api/tickets/${no}/actions`, { body });
      expect(a.status).toBe(404);
      expect(a.json).toMatchObject({ error: { code: 'notFound' } });
    }
    expect((await other.call('GET', `/api/tickets/${no}/actions`)).status).toBe(404);
    const missing = await other.call('POST', '/api/tickets/SD-2099-999999/actions', {
      body: { action: 'reopen' },
    });
    expect(missing.status).toBe(404);
    expect((await desk.lifecycle.load(no)).status).toBe('triage');
  });

  it('rejects unknown actions and bad transfer targets with field messages', async () => {
    const no = await fileAsCustomer('附件上传失败');
    const disp = await as('disp-1');
    const unknown = await disp.call('POST', `/api/tickets/${no}/actions`, { body: { action: 'explode' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ error: { issues: [{ path: 'action' }] } });
    const badTeam = await disp.call('POST', `/api/tickets/${no}/actions`, {
      body: { action: 'dispatch', target: { kind: 'team', id: 'no-such-team' } },
    });
    expect(badTeam.status).toBe(400);
    expect(badTeam.json).toMatchObject({ error: { issues: [{ path: 'target.id' }] } });
    const toPerson = await disp.call('POST', `/api/tickets/${no}/actions`, {
      body: { action: 'dispatch', target: { kind: 'person', id: 'eng-1' } },
    });
    expect(toPerson.json).toMatchObject({ ticket: { status: 'assigned', assigneeName: '工程师一' } });
  });
});

describe('directory routes', () => {
  it('lists organisations with licences and service periods (admin only)', async () => {
    const admin = await as('admin-1');
    const a = await admin.call('GET', '/api/organisations');
    expect(a.status).toBe(200);
    const orgs = (a.json as { organisations: Array<Record<string, unknown>> }).organisations;
    expect(orgs.find((o) => o.id === 'org-a')).toMatchObject({
      name: '甲单位有限公司',
      region: '西安',
      tier: 'standard',
      licences: [
        { productLine: 'EKP', servicePeriods: [{ kind: 'paid', from: '2026-01-01', to: '2027-12-31' }] },
      ],
    });
    expect((await (await as('eng-1')).call('GET', '/api/organisations')).status).toBe(403);
    expect((await (await as('cust-a')).call('GET', '/api/organisations')).status).toBe(403);
  });

  it('lists teams for staff, not customers', async () => {
    const eng = await as('eng-1');
    const a = await eng.call('GET', '/api/teams');
    expect(a.status).toBe(200);
    expect((a.json as { teams: Array<{ id: string }> }).teams.map((t) => t.id).sort()).toEqual([
      'support-ekp',
      'team-sort',
    ]);
    expect((await (await as('cust-a')).call('GET', '/api/teams')).status).toBe(403);
  });

  it('imports a directory file whole or not at all, and audits it', async () => {
    const admin = await as('admin-1');
    const bad = await admin.call('POST', '/api/directory/import', {
      body: { organisations: [{ id: 'org-c', name: '丙单位', contacts: [{ userId: '', name: '' }] }] },
    });
    expect(bad.status).toBe(422);
    expect((bad.json as { issues: unknown[] }).issues.length).toBeGreaterThan(0);
    const Org = (await import('../../../server/directory/organisation-model.ts')).organisationModel(desk.db);
    expect(await Org.findById('org-c').lean()).toBeNull();

    const good = await admin.call('POST', '/api/directory/import', {
      body: {
        organisations: [{ id: 'org-c', name: '丙单位', contacts: [{ userId: 'cust-c', name: '客户丙' }] }],
      },
    });
    expect(good.status).toBe(200);
    expect(good.json).toMatchObject({ ok: true, dryRun: false, counts: { organisations: { created: 1 } } });
    expect(await Org.findById('org-c').lean()).toMatchObject({ name: '丙单位' });
    const audit = await auditModel(desk.db).find({ subject: 'directory' }).lean();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      by: 'admin-1',
      action: 'import',
      after: { ids: { organisations: ['org-c'] } },
    });

    expect((await (await as('disp-1')).call('POST', '/api/directory/import', { body: {} })).status).toBe(403);
  });
});
