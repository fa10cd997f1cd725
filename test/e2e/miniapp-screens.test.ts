import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureMiniAppBuilt } from '../../miniapp/ensure-built.ts';
import type { Desk } from '../../server/desk.ts';
import { ticketModel } from '../../server/tickets/ticket-model.ts';
import { fileTicket } from '../../server/tickets/ticket-service.ts';
import type { ResponseLevel } from '../../shared/catalog.ts';
import type { TicketStatus } from '../../shared/ticket/status.ts';
import { type Simulator, startSimulator } from '../../simulator/simulator.ts';
import { freePort, launchBrowser, phoneContext, screenshot } from '../support/browser.ts';
import { freshDbName } from '../support/db.ts';
import { chat, clockFrom, startTestDesk, textOf, waitUntil } from '../support/stack.ts';

/**
 * The mini-app's screens in a real browser (Debian's Chromium through
 * playwright-core) against the whole stack — simulator, bot, worker and
 * HTTP server on the embedded database, demo directory — with the desk's
 * clock at Mon 2026-11-23 10:00 Asia/Shanghai (running at real speed):
 *
 * - the admin makes tomorrow (Tue 11-24) a day off in 工作日历; a customer then
 *   files a level-2 ticket in chat at Mon 10:00 (and a few seconds): 8 working
 *   hours = Mon 10:00–12:00 (2 h) + 13:00–18:00 (5 h) + 1 h of the next
 *   working day — Tue 10:00 with the standard calendar, Wed 11-25 10:00 with
 *   Tuesday off. The chat promise and the app both say Wednesday.
 * - customers see their own organisation's tickets only;
 * - the triage queue shows breached tickets red and at-risk ones amber;
 * - the dashboard draws its charts (canvas) and serves the CSV.
 * Screenshots of each screen go to docs/screenshots (README, Mini-app).
 */
let browser: Browser;
let sim: Simulator;
let desk: Desk;
let appUrl: string;
const contexts: BrowserContext[] = [];
const seeded: Record<string, string> = {};
let chatTicketNo = '';

beforeAll(async () => {
  await ensureMiniAppBuilt();
  const port = await freePort();
  appUrl = `http://127.0.0.1:${port}/app/`;
  sim = await startSimulator({
    port: 0,
    miniAppUrl: appUrl,
    redeliveryMs: 400,
    pingIntervalMs: 0,
    disconnectDelayMs: 50,
  });
  desk = await startTestDesk(sim, {
    dbName: freshDbName(),
    env: { HTTP_PORT: String(port) },
    now: clockFrom('2026-11-23T10:00:00+08:00'),
  });
  await waitUntil(() => sim.connections() > 0, 10_000, 'the bot to connect');
  await seedTickets();
  browser = await launchBrowser();
}, 180_000);

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

afterAll(async () => {
  await browser?.close();
  await desk?.stop();
  await sim?.close();
});

/** A signed-in page: the simulator's 免登 stand-in, as the chat page's link does. */
async function openAs(userId: string): Promise<Page> {
  const context = await phoneContext(browser);
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${sim.url}/_sim/open-app?userId=${userId}`);
  await page.getByTestId('user-name').waitFor();
  return page;
}

/** An antd-mobile input by its aria-label (the label sits on the <input> and on its wrapper). */
function input(scope: Page | Locator, label: string): Locator {
  return scope.locator(`input[aria-label="${label}"]`);
}

/** Waits for toasts to go (they cover the screen for 2 s) and scrolls to `where` (default: the top). */
async function settle(page: Page, where?: Locator): Promise<void> {
  await page.locator('.adm-toast-mask').waitFor({ state: 'detached' });
  if (where) await where.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  else await page.evaluate(() => window.scrollTo(0, 0));
}

async function openScreen(page: Page, tile: string): Promise<void> {
  await page.getByRole('link', { name: tile, exact: true }).click();
}

describe('mini-app screens', { timeout: 90_000 }, () => {
  it('the admin makes tomorrow a day off; a ticket filed in chat is due after it', async () => {
    const admin = await openAs('admin-gao');
    await openScreen(admin, '工作日历');
    // the statutory data ends 2026-12-31: 38 days from Mon 11-23
    const warning = admin.getByTestId('coverage-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('2026-12-31');
    expect(await warning.textContent()).toContain('还剩 38 天');
    await admin.getByTestId('week-mon').waitFor();
    expect(await input(admin, '周一第 1 段开始').inputValue()).toBe('09:00');

    // a bad period is refused field by field, in zh-CN, before anything is sent
    await input(admin, '周一第 2 段结束').fill('25:00');
    await admin.getByTestId('save-weekly').click();
    await admin.getByText('时间格式应为 HH:MM，如 09:00（最晚 24:00）').waitFor();
    await input(admin, '周一第 2 段结束').fill('18:00');

    // this year's holidays and make-up days
    const holidays = admin.getByTestId('holiday-list');
    expect(await holidays.textContent()).toContain('国庆节');
    expect(await holidays.textContent()).toContain('国庆节补班');

    // the override: Tue 2026-11-24 off
    const form = admin.getByTestId('override-form');
    await form.getByTestId('add-override').click();
    await admin.getByTestId('override-date-error').waitFor();
    expect(await admin.getByTestId('override-date-error').textContent()).toBe('请选择日期');
    await input(form, '日期').fill('2026-11-24');
    await input(form, '名称（可选）').fill('公司年会');
    await form.getByTestId('add-override').click();
    const added = admin.locator('[data-testid="override"][data-date="2026-11-24"]');
    await added.waitFor();
    expect(await added.textContent()).toContain('休息日');
    await settle(admin);
    await screenshot(admin, 'miniapp-calendar');
    await settle(admin, admin.getByTestId('holiday-list'));
    await screenshot(admin, 'miniapp-calendar-holidays');
    await settle(admin, admin.getByTestId('weekly-editor'));
    await screenshot(admin, 'miniapp-calendar-weekly');

    // next year's schedule: a bad file is refused whole with its problems, a good one ends the warning
    const file = admin.getByTestId('import-file');
    await file.setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"year":'),
    });
    await admin.getByText('文件不是有效的 JSON').waitFor();
    const backwards = { ...schedule2027, holidays: [{ name: '元旦', from: '2027-01-03', to: '2027-01-01' }] };
    await file.setInputFiles(jsonFile('2027-bad.json', backwards));
    const problems = admin.getByTestId('import-errors');
    await problems.waitFor();
    expect(await problems.textContent()).toContain('文件有误，未导入');
    expect(await problems.textContent()).toContain('2027-01-01 is before "from" 2027-01-03');
    await file.setInputFiles(jsonFile('2027.json', schedule2027));
    await admin.getByText('法定节假日数据覆盖至 2027-12-31').waitFor();
    expect(await admin.getByTestId('coverage-warning').count()).toBe(0);
    await admin.getByTestId('holiday-list').getByText('2027', { exact: true }).click();
    expect(await admin.getByTestId('holiday-list').textContent()).toContain('（已导入）');

    // the change is in the history: who, when, what
    await admin.goto(`${appUrl}audit`);
    await admin.getByTestId('audit-entry').first().waitFor();
    const actions = await admin
      .getByTestId('audit-entry')
      .evaluateAll((es) => es.map((e) => e.getAttribute('data-action')));
    expect(actions).toEqual(['import-holidays', 'overrides']);
    const entry = admin.getByTestId('audit-entry').nth(1);
    expect(await entry.textContent()).toContain('修改日历例外');
    expect(await entry.textContent()).toContain('admin-gao');
    expect(await entry.textContent()).toContain('2026-11-24 休息日 公司年会');
    await screenshot(admin, 'miniapp-audit');

    // the customer files a level-2 ticket in chat
    const [reply] = await chat(sim, 'cust-xa-01', '报障 EKP 2级 流程审批页面提交后报错 500');
    const text = textOf(reply!);
    chatTicketNo = /SD-\d{4}-\d{6}/.exec(text)?.[0] ?? '';
    expect(chatTicketNo).not.toBe('');
    expect(text).toContain('2026年11月25日 10:0'); // the promise in chat follows the calendar too

    // …and sees its due time in the app: Wednesday, not the day off
    const customer = await openAs('cust-xa-01');
    await openScreen(customer, '我的工单');
    const row = customer.locator(`[data-testid="ticket-row"][data-ticket="${chatTicketNo}"]`);
    await row.waitFor();
    const due = (await row.getByTestId('due-at').textContent()) ?? '';
    expect(due).toMatch(/^首次响应时限 11月25日 周三 10:0\d$/);
    expect(await row.getByTestId('countdown').getAttribute('data-state')).toBe('onTrack');
    await screenshot(customer, 'miniapp-customer-tickets');

    await row.click();
    await customer.getByTestId('ticket-detail').waitFor();
    expect(await customer.getByTestId('ticket-no').textContent()).toBe(chatTicketNo);
    expect(await customer.getByTestId('timeline').textContent()).toContain('提交工单');
    expect(await customer.getByTestId('sla-clock').first().getAttribute('data-state')).toBe('onTrack');
    await screenshot(customer, 'miniapp-ticket-detail');

    // the stored clock agrees: due Wed 11-25 at 10:00 and a few seconds (Shanghai)
    const stored = await ticketModel(desk.db).findById(chatTicketNo).lean();
    const dueAt = new Date(stored!.sla!.clocks[0]!.dueAt!);
    expect(dueAt.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-25T10:00:00+08:00'));
    expect(dueAt.getTime()).toBeLessThan(Date.parse('2026-11-25T10:10:00+08:00'));
  });

  it("a customer sees only their organisation's tickets", async () => {
    const page = await openAs('cust-gz-01');
    await openScreen(page, '我的工单');
    await page.getByTestId('ticket-row').first().waitFor();
    const orgs = await page.getByTestId('ticket-row').evaluateAll((rows) => rows.map((r) => r.dataset.org));
    expect(orgs.length).toBe(6);
    expect(new Set(orgs)).toEqual(new Set(['org-gz-tech']));
    const numbers = await page
      .getByTestId('ticket-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket')));
    expect(numbers).not.toContain(chatTicketNo);
    expect(numbers).not.toContain(seeded.breached);

    // another organisation's ticket by its address: the same as a missing one
    await page.goto(`${appUrl}tickets/${seeded.breached}`);
    await page.getByText('要找的内容不存在').waitFor();
  });

  it('the dispatcher sees the triage queue, breached in red and at risk in amber', async () => {
    const page = await openAs('disp-zhou');
    await openScreen(page, '分拣队列');
    await page.getByTestId('ticket-row').first().waitFor();
    const rows = page.getByTestId('ticket-row');
    const order = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-ticket')));
    expect(order.slice(0, 2)).toEqual([seeded.breached, seeded.atRisk]);
    expect(order).toContain(chatTicketNo);
    const states = await page
      .getByTestId('countdown')
      .evaluateAll((cs) =>
        cs.map((c) => [c.getAttribute('data-state'), getComputedStyle(c).borderLeftColor]),
      );
    expect(states[0]).toEqual(['breached', 'rgb(255, 49, 65)']);
    expect(states[1]).toEqual(['atRisk', 'rgb(255, 143, 31)']);
    expect(states.slice(2).every(([s]) => s === 'onTrack')).toBe(true);
    expect(await rows.first().textContent()).toContain('已超时');
    expect(await rows.nth(1).textContent()).toContain('即将超时');
    await screenshot(page, 'miniapp-triage');

    // the ticket detail shows the full timeline to staff
    await rows.nth(1).click();
    await page.getByTestId('ticket-detail').waitFor();
    expect(await page.getByTestId('sla-clock').first().getAttribute('data-state')).toBe('atRisk');
  });

  it("an engineer's queue: the tickets assigned to them, most urgent first", async () => {
    const page = await openAs('eng-wang');
    expect(await page.getByRole('link', { name: '分拣队列' }).count()).toBe(0);
    await openScreen(page, '我的工单');
    await page.getByTestId('ticket-row').first().waitFor();
    const order = await page
      .getByTestId('ticket-row')
      .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-ticket')));
    expect(order).toEqual([seeded.mineBreached, seeded.mineOnTrack]);
    await screenshot(page, 'miniapp-my-queue');
  });

  it('the admin edits SLA policies and on-call rosters with field-level messages', async () => {
    const page = await openAs('admin-gao');
    await openScreen(page, 'SLA 策略');
    const firstResponse = input(page, '二级 首次响应（工作分钟）');
    expect(await firstResponse.inputValue()).toBe('480');
    await screenshot(page, 'miniapp-sla');
    await firstResponse.fill('0');
    await input(page, '二级 解决（工作分钟）').fill('240');
    await page.getByTestId('save-sla').click();
    await page.getByText('应为 1–525600 之间的整数（工作分钟）').waitFor();
    // a valid change is saved and audited
    await firstResponse.fill('300');
    await input(page, '二级 解决（工作分钟）').fill('');
    await input(page, '预警比例').fill('0.8');
    await page.getByTestId('save-sla').click();
    await page.getByText('SLA 策略已保存').waitFor();
    await settle(page);
    const saved = await desk.slaPolicies.list();
    expect(saved.policies[0]).toMatchObject({
      atRiskRatio: 0.8,
      levels: { 2: { firstResponseMinutes: 300 } },
    });

    await page.goto(`${appUrl}oncall`);
    await page.getByTestId('roster-entry').first().waitFor();
    expect(await input(page, '姓名 1').inputValue()).toBe('马涛');
    await input(page, '电话 2').fill('1');
    await page.getByTestId('save-roster').click();
    await page.getByText('电话至少 3 位').waitFor();
    await input(page, '电话 2').fill('13900000042');
    await settle(page);
    await screenshot(page, 'miniapp-oncall');
  });

  it('the dashboard draws its charts and serves the figures as CSV', async () => {
    const page = await openAs('disp-zhou');
    await openScreen(page, '服务报表');
    await page.getByTestId('report').waitFor();
    for (const chart of ['chart-level', 'chart-month', 'chart-backlog']) {
      const canvas = page.getByTestId(chart).locator('canvas');
      await canvas.waitFor();
      const box = await canvas.boundingBox();
      expect(box?.width, chart).toBeGreaterThan(200);
    }
    // six closed in time of eight measured, two late; two breached in the queue
    expect(await page.getByTestId('kpi-compliance').textContent()).toMatch(/\d+(\.\d)?%/);
    await screenshot(page, 'miniapp-reports');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('csv-link').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^服务报表_\d{4}-\d{2}-\d{2}_2026-11-23\.csv$/);
    const csv = readFileSync((await download.path())!);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8').slice(1).split('\r\n')[0]).toMatch(/^维度,分组,工单数,计入SLA,首次响应达标/);

    // English
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('First response by level').waitFor();
    await page.getByTestId('chart-level').locator('canvas').waitFor();
    await settle(page, page.getByTestId('chart-month'));
    await screenshot(page, 'miniapp-reports-en');
  });
});

/** A schedule as an admin would type it from the State Council notice (dates made up for the test). */
const schedule2027 = {
  year: 2027,
  source: '国务院办公厅关于2027年部分节假日安排的通知（测试数据）',
  holidays: [
    { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
    { name: '春节', from: '2027-02-05', to: '2027-02-13' },
  ],
  workdays: [{ date: '2027-02-14', name: '春节补班' }],
};

function jsonFile(name: string, value: unknown) {
  return { name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(value, null, 2)) };
}

// ---- the tickets behind the queues and the dashboard

interface Seed {
  name?: string;
  org: 'xa' | 'gz';
  level: ResponseLevel;
  at: string;
  text: string;
  /** Closed with the first response met or missed after `minutes` working minutes; or left open. */
  outcome?: { firstResponse: 'met' | 'missed'; minutes: number; resolvedHours: number; csat?: number };
  status?: TicketStatus;
  team?: string;
  assignee?: string;
  answered?: boolean;
}

const seeds: Seed[] = [
  {
    org: 'xa',
    level: 3,
    at: '2026-06-10T10:00',
    text: '报表导出 Excel 乱码',
    outcome: { firstResponse: 'met', minutes: 120, resolvedHours: 26, csat: 5 },
    team: 'support-ekp',
  },
  {
    org: 'gz',
    level: 4,
    at: '2026-06-22T14:00',
    text: '门户首页栏目如何配置',
    outcome: { firstResponse: 'met', minutes: 300, resolvedHours: 50, csat: 4 },
    team: 'support-eis',
  },
  {
    org: 'xa',
    level: 2,
    at: '2026-07-06T09:30',
    text: '新增字段后表单无法保存',
    outcome: { firstResponse: 'missed', minutes: 540, resolvedHours: 72, csat: 3 },
    team: 'support-ekp',
  },
  {
    org: 'xa',
    level: 1,
    at: '2026-07-20T11:00',
    text: '系统无法登录，全员受影响',
    outcome: { firstResponse: 'met', minutes: 40, resolvedHours: 8, csat: 5 },
    team: 'support-ekp',
  },
  {
    org: 'gz',
    level: 3,
    at: '2026-08-12T15:00',
    text: '单点登录后跳转失败',
    outcome: { firstResponse: 'met', minutes: 200, resolvedHours: 30, csat: 4 },
    team: 'support-eis',
  },
  {
    org: 'xa',
    level: 4,
    at: '2026-09-08T10:00',
    text: '知识库权限如何按部门设置',
    outcome: { firstResponse: 'met', minutes: 600, resolvedHours: 40, csat: 5 },
    team: 'support-ekp',
  },
  {
    org: 'gz',
    level: 2,
    at: '2026-09-21T16:00',
    text: '移动端审批页面空白',
    outcome: { firstResponse: 'missed', minutes: 600, resolvedHours: 96, csat: 2 },
    team: 'support-eis',
  },
  {
    org: 'xa',
    level: 3,
    at: '2026-10-14T09:00',
    text: '附件上传超过 20MB 失败',
    outcome: { firstResponse: 'met', minutes: 90, resolvedHours: 20, csat: 4 },
    team: 'support-ekp',
  },
  {
    org: 'xa',
    level: 5,
    at: '2026-10-27T13:30',
    text: '建议增加批量导出功能',
    outcome: { firstResponse: 'met', minutes: 900, resolvedHours: 100 },
    team: 'product-centre',
  },
  {
    org: 'gz',
    level: 2,
    at: '2026-11-03T10:00',
    text: '组织架构同步失败',
    outcome: { firstResponse: 'met', minutes: 300, resolvedHours: 24, csat: 5 },
    team: 'support-eis',
  },
  // open, in the sorting centre: Fri 10:00 + 1 h = Fri 11:00 (breached); Fri 11:00 + 8 h = Mon 11:00,
  // at risk after 6 h = Fri 18:00; Mon 09:00 + 16 h = Tue 18:00 (on track)
  { name: 'breached', org: 'xa', level: 1, at: '2026-11-20T10:00', text: '流程引擎停止响应，审批全部卡住' },
  { name: 'atRisk', org: 'xa', level: 2, at: '2026-11-20T11:00', text: '流程归档任务执行失败' },
  { name: 'onTrack', org: 'gz', level: 4, at: '2026-11-23T09:00', text: '如何开启门户访问日志' },
  // assigned to 王强: Fri 17:00 + 1 h = Fri 18:00 (breached); Fri 16:00 + 12 h = Tue 11:00 (at risk Mon 17:00)
  {
    name: 'mineBreached',
    org: 'xa',
    level: 1,
    at: '2026-11-20T17:00',
    text: '生产环境数据库连接池耗尽',
    status: 'assigned',
    team: 'support-ekp',
    assignee: 'eng-wang',
  },
  {
    name: 'mineOnTrack',
    org: 'xa',
    level: 3,
    at: '2026-11-20T16:00',
    text: '待办列表排序不对',
    status: 'assigned',
    team: 'support-ekp',
    assignee: 'eng-wang',
  },
  // older work in progress, answered in time (backlog age 7–30 and > 30 days)
  {
    org: 'xa',
    level: 3,
    at: '2026-11-12T10:00',
    text: '消息提醒重复推送',
    status: 'waitingCustomer',
    team: 'support-ekp',
    assignee: 'eng-zhao',
    answered: true,
  },
  {
    org: 'gz',
    level: 4,
    at: '2026-10-15T10:00',
    text: '门户主题皮肤更换',
    status: 'inProgress',
    team: 'support-eis',
    assignee: 'eng-huang',
    answered: true,
  },
];

const orgs = {
  xa: {
    id: 'org-xa-group',
    name: '西安某集团有限公司',
    contact: { userId: 'cust-xa-02', name: '李娜' },
    product: 'EKP',
  },
  gz: {
    id: 'org-gz-tech',
    name: '广州某科技股份有限公司',
    contact: { userId: 'cust-gz-01', name: '陈静' },
    product: 'EIS',
  },
} as const;

async function seedTickets(): Promise<void> {
  const Tickets = ticketModel(desk.db);
  for (const [i, s] of seeds.entries()) {
    const org = orgs[s.org];
    const createdAt = new Date(`${s.at}:00+08:00`);
    const sla = await desk.sla.start({ tier: 'premium', level: s.level, createdAt });
    const { ticket } = await fileTicket(
      desk.db,
      {
        orgId: org.id,
        orgName: org.name,
        contact: org.contact,
        productLine: org.product,
        level: s.level,
        description: s.text,
        channel: 'dingtalk',
        entitled: true,
        sourceKey: `seed:${i}`,
        branch: '西安分公司',
        sla: sla.sla,
        nextEscalationAt: sla.nextEscalationAt,
      },
      { prefix: 'SD' },
      createdAt,
    );
    if (s.name) seeded[s.name] = ticket._id;
    const clock = ticket.sla!.clocks[0]!;
    const hours = (h: number) => new Date(createdAt.getTime() + h * 3_600_000);
    const set: Record<string, unknown> = {};
    const timeline: unknown[] = [];
    if (s.team) set.teamId = s.team;
    if (s.assignee) {
      set.assigneeUserId = s.assignee;
      set.ownerUserId = s.assignee;
      timeline.push({
        at: hours(0.5),
        kind: 'status',
        by: { kind: 'staff', userId: 'disp-zhou', name: '周敏' },
        channel: 'miniapp',
        from: 'triage',
        to: 'assigned',
        action: 'dispatch',
        target: { kind: 'person', id: s.assignee, name: s.assignee },
      });
    }
    if (s.status) set.status = s.status;
    if (s.answered) {
      set['sla.clocks'] = [{ ...clock, state: 'met', elapsedMinutes: 45, completedAt: hours(1) }];
      set['sla.firstResponseAt'] = hours(1);
      set.nextEscalationAt = null;
    }
    if (s.outcome) {
      const o = s.outcome;
      set.status = 'closed';
      set.open = false;
      set.nextEscalationAt = null;
      set['sla.clocks'] = [
        { ...clock, state: o.firstResponse, elapsedMinutes: o.minutes, completedAt: hours(o.minutes / 60) },
      ];
      set['sla.resolvedAt'] = hours(o.resolvedHours);
      if (o.csat) set.csat = { rating: o.csat, at: hours(o.resolvedHours + 1) };
      timeline.push({
        at: hours(o.resolvedHours),
        kind: 'status',
        by: { kind: 'customer', userId: org.contact.userId, name: org.contact.name },
        channel: 'dingtalk',
        from: 'solutionProposed',
        to: 'closed',
        action: 'customerConfirmed',
      });
    }
    if (Object.keys(set).length > 0 || timeline.length > 0)
      await Tickets.updateOne(
        { _id: ticket._id },
        { $set: set, ...(timeline.length ? { $push: { timeline: { $each: timeline } } } : {}) },
      );
  }
}
