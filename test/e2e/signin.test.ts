import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureMiniAppBuilt } from '../../miniapp/ensure-built.ts';
import type { Desk } from '../../server/desk.ts';
import { type Simulator, startSimulator } from '../../simulator/simulator.ts';
import { freePort, launchBrowser, phoneContext, screenshot } from '../support/browser.ts';
import { freshDbName } from '../support/db.ts';
import { clockFrom, startTestDesk } from '../support/stack.ts';

/**
 * The mini-app in a real browser (Debian's Chromium through playwright-core)
 * against the real stack: simulator, desk (server role) on the embedded
 * database, the built mini-app served at /app/. Sign-in goes through the
 * simulator's 免登 stand-in exactly as a person clicks it.
 */
let browser: Browser;
let sim: Simulator;
let desk: Desk;
let appUrl: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await ensureMiniAppBuilt();
  // The simulator's chat page links to the mini-app, so its URL is fixed before the desk starts.
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
    env: { ROLES: 'server', HTTP_PORT: String(port) },
    // the same session times on every run's screenshots
    now: clockFrom('2026-03-02T09:30:00+08:00'),
  });
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

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await phoneContext(browser);
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  return { context, page: await context.newPage() };
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent()) ?? '';

describe('mini-app sign-in (免登)', { timeout: 60_000 }, () => {
  it('the admin opens it from the simulator chat page and sees name, role and admin screens', async () => {
    const { context, page } = await newPage();
    await page.goto(sim.url);
    await page.selectOption('#user-select', 'admin-gao');
    const link = page.locator('#miniapp-link');
    await link.waitFor({ state: 'visible' });
    expect(await link.getAttribute('href')).toBe('/_sim/open-app?userId=admin-gao');

    const [app] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await app.getByTestId('user-name').waitFor();
    expect(await text(app, 'user-name')).toContain('高洁');
    expect(await text(app, 'user-roles')).toContain('服务台管理员');
    for (const screen of ['工作日历', 'SLA 策略', '团队与路由', '值班表', '客户与授权']) {
      await app.getByRole('link', { name: screen }).waitFor();
    }
    expect(await app.getByRole('link', { name: '新建工单' }).count()).toBe(0);
    // the single-use code is gone from the address bar
    expect(app.url()).toBe(appUrl);
    // (screenshots from a page of its own: a popup's first paint is not always the same)
    const home = await context.newPage();
    await home.goto(appUrl);
    await home.getByTestId('user-name').waitFor();
    await screenshot(home, 'miniapp-admin-home');
    await home.close();

    // a screen, and back
    await app.getByRole('link', { name: '团队与路由' }).click();
    await app.getByTestId('team-list').waitFor();
    expect(app.url()).toBe(`${appUrl}teams`);
    await app.goBack();
    await app.getByTestId('user-name').waitFor();

    // English, remembered across a reload; the session cookie keeps them signed in
    await app.getByRole('button', { name: 'English' }).click();
    await app.getByText('Service desk admin').waitFor();
    await app.reload();
    await app.getByTestId('user-name').waitFor();
    expect(await text(app, 'user-name')).toBe('Hello, 高洁');
    await screenshot(app, 'miniapp-admin-home-en');
  });

  it('a customer sees their organisation and the customer screens', async () => {
    const { page } = await newPage();
    await page.goto(`${sim.url}/_sim/open-app?userId=cust-xa-01`);
    await page.getByTestId('user-name').waitFor();
    expect(await text(page, 'user-name')).toContain('张伟');
    expect(await text(page, 'user-roles')).toContain('客户');
    expect(await text(page, 'user-organisation')).toBe('西安某集团有限公司');
    await page.getByRole('link', { name: '我的工单' }).waitFor();
    await page.getByRole('link', { name: '新建工单' }).waitFor();
    expect(await page.getByRole('link', { name: '工作日历' }).count()).toBe(0);
    await screenshot(page, 'miniapp-customer-home');

    // signing out ends the session: a reload no longer gets in
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('button', { name: '确定' }).click();
    await page.getByText('已退出登录').waitFor();
    await page.reload();
    await page.getByText('请从钉钉中打开').waitFor();
  });

  it('opened in a plain browser, it says it must be opened from DingTalk', async () => {
    const { page } = await newPage();
    await page.goto(appUrl);
    await page.getByTestId('signin-title').waitFor();
    expect(await text(page, 'signin-title')).toBe('请从钉钉中打开');
    await page.getByText('打开微应用（免登）').waitFor();
    await screenshot(page, 'miniapp-not-in-dingtalk');
  });

  it('an expired or spent code gets a clear error', async () => {
    const { page } = await newPage();
    await page.goto(`${appUrl}?authCode=made-up-code&corpId=dinglocalcorp`);
    await page.getByTestId('signin-error').waitFor();
    expect(await text(page, 'signin-title')).toBe('登录失败');
    expect(await text(page, 'signin-error')).toContain('免登授权码无效或已过期');
    await screenshot(page, 'miniapp-code-expired');

    // a real code used once already (a reload of an old link)
    const code = sim.authCode('cust-gz-01');
    const first = await fetch(`${desk.httpUrl}/api/auth/dingtalk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ authCode: code }),
    });
    expect(first.status).toBe(200);
    const { page: again } = await newPage();
    await again.goto(`${appUrl}?authCode=${code}&corpId=dinglocalcorp`);
    await again.getByTestId('signin-error').waitFor();
    expect(await text(again, 'signin-error')).toContain('只能使用一次');
  });

  it('a DingTalk user outside the directory is told to ask the admin', async () => {
    const { page } = await newPage();
    await page.goto(`${sim.url}/_sim/open-app?userId=visitor-01`);
    await page.getByTestId('signin-error').waitFor();
    expect(await text(page, 'signin-error')).toContain('未在售后服务台登记');
  });
});
