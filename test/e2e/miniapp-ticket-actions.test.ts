import type { Server } from 'node:http';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureMiniAppBuilt } from '../../miniapp/ensure-built.ts';
import { authSettingsFrom } from '../../server/auth/from-config.ts';
import { loadConfig } from '../../server/config.ts';
import { simulatorApp } from '../../server/demo/simulator-registry.ts';
import type { Desk } from '../../server/desk.ts';
import { DingTalkClient } from '../../server/dingtalk/dingtalk-client.ts';
import { createHttpApp, listen } from '../../server/http/app.ts';
import { ticketModel } from '../../server/tickets/ticket-model.ts';
import { type Simulator, startSimulator } from '../../simulator/simulator.ts';
import { freePort, launchBrowser, phoneContext, screenshot } from '../support/browser.ts';
import { freshDbName } from '../support/db.ts';
import { clockFrom, startTestDesk, textOf, waitUntil } from '../support/stack.ts';

/**
 * Filing and working a ticket in the mini-app, in a real browser against the whole stack
 * (simulator, bot, outbox worker, demo directory), clock from Mon 2026-11-23 10:00 Shanghai:
 * a customer files a ticket with 新建工单 (sees the promise, then the ticket in 我的工单); an
 * engineer opens it, takes it up (接单) and replies from the ticket page; the customer receives
 * the reply in DingTalk (a 1:1 robot message in the simulator).
 *
 * The HTTP app is built here with the desk's lifecycle and intake services on the port the
 * simulator's 免登 link points to.
 */
let browser: Browser;
let sim: Simulator;
let desk: Desk;
let server: Server;
const contexts: BrowserContext[] = [];
const now = clockFrom('2026-11-23T10:00:00+08:00');

beforeAll(async () => {
  await ensureMiniAppBuilt();
  const port = await freePort();
  sim = await startSimulator({
    port: 0,
    miniAppUrl: `http://127.0.0.1:${port}/app/`,
    redeliveryMs: 400,
    pingIntervalMs: 0,
    disconnectDelayMs: 50,
  });
  desk = await startTestDesk(sim, { dbName: freshDbName(), now });
  await waitUntil(() => sim.connections() > 0, 10_000, 'the bot to connect');
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
  ({ server } = await listen(app, '127.0.0.1', port));
  browser = await launchBrowser();
}, 180_000);

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  server?.closeAllConnections();
  await desk?.stop();
  await sim?.close();
});

async function openAs(userId: string): Promise<Page> {
  const context = await phoneContext(browser);
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${sim.url}/_sim/open-app?userId=${userId}`);
  await page.getByTestId('user-name').waitFor();
  return page;
}

describe('mini-app: new ticket and ticket actions', { timeout: 90_000 }, () => {
  it('a customer files a ticket; an engineer replies from the ticket page; the customer gets it in chat', async () => {
    const customer = await openAs('cust-xa-01');
    await customer.getByRole('link', { name: '新建工单', exact: true }).click();
    const form = customer.getByTestId('new-ticket-form');
    await form.waitFor();

    // field-level messages first, nothing filed
    await customer.getByTestId('submit-ticket').click();
    await customer.getByTestId('problem-level').waitFor();
    expect(await customer.getByTestId('problem-description').textContent()).toContain('至少 5 个字');

    await form.getByRole('option', { name: 'EKP', exact: true }).click();
    await form.getByRole('option', { name: '二级', exact: true }).click();
    expect(await customer.getByTestId('level-text').textContent()).not.toBe('');
    await customer
      .getByTestId('description')
      .locator('textarea:not([readonly])')
      .fill('流程审批页面点击提交后报错 500，影响全部审批人');
    await screenshot(customer, 'miniapp-new-ticket');
    // a double tap files once
    await customer.getByTestId('submit-ticket').dblclick();
    const filed = customer.getByTestId('ticket-filed');
    await filed.waitFor();
    const ticketNo = /SD-\d{4}-\d{6}/.exec((await filed.textContent()) ?? '')?.[0] ?? '';
    expect(ticketNo).not.toBe('');
    expect(await customer.getByTestId('ticket-promise').textContent()).toMatch(/\d/);
    await screenshot(customer, 'miniapp-new-ticket-filed');
    expect(await ticketModel(desk.db).countDocuments({ channel: 'miniapp' })).toBe(1);

    await customer.getByRole('button', { name: '我的工单' }).click();
    await customer.locator(`[data-testid="ticket-row"][data-ticket="${ticketNo}"]`).waitFor();

    // the sorting centre routes it to the engineer (the API the dispatcher's buttons call)
    await desk.lifecycle.act({
      ticketNo,
      action: 'dispatch',
      actor: { kind: 'staff', userId: 'disp-zhou', name: '周', roles: ['dispatcher'] },
      channel: 'miniapp',
      now: now(),
      target: { kind: 'person', id: 'eng-wang', name: '王强' },
    });

    const engineer = await openAs('eng-wang');
    await engineer.goto(new URL(`/app/tickets/${ticketNo}`, engineer.url()).toString());
    await engineer.getByTestId('ticket-actions').waitFor();
    await engineer.getByTestId('action-claim').click();
    await engineer.getByTestId('action-proposeSolution').waitFor();
    expect(await engineer.getByTestId('ticket-detail').textContent()).toContain('处理中');

    const reply = '您好，已定位到审批节点配置问题，正在修复';
    await engineer.getByTestId('reply-text').locator('textarea:not([readonly])').fill(reply);
    await engineer.getByTestId('reply-send').click();
    await waitUntil(
      async () => ((await engineer.getByTestId('timeline').textContent()) ?? '').includes(reply),
      10_000,
      'the reply in the timeline',
    );
    await engineer.locator('.adm-toast-mask').waitFor({ state: 'detached' });
    await engineer.getByTestId('ticket-actions').scrollIntoViewIfNeeded();
    await screenshot(engineer, 'miniapp-ticket-actions');

    // the customer receives it in DingTalk (1:1 robot message through the outbox)
    await waitUntil(
      () => sim.records({ kind: 'otoSend', userId: 'cust-xa-01' }).some((r) => textOf(r).includes(reply)),
      10_000,
      'the reply in the customer chat',
    );
    const stored = await ticketModel(desk.db).findById(ticketNo).lean();
    expect(stored).toMatchObject({ status: 'inProgress', ownerUserId: 'eng-wang' });
    expect(stored?.sla?.firstResponseAt).toBeTruthy();
  });
});
