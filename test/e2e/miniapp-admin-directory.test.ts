import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureMiniAppBuilt } from '../../miniapp/ensure-built.ts';
import type { Desk } from '../../server/desk.ts';
import { type Simulator, startSimulator } from '../../simulator/simulator.ts';
import { freePort, launchBrowser, phoneContext, screenshot } from '../support/browser.ts';
import { freshDbName } from '../support/db.ts';
import { clockFrom, startTestDesk, waitUntil } from '../support/stack.ts';

/**
 * The admin's 团队与路由 and 客户与授权 screens in a real browser against the
 * whole stack with the demo directory: the teams and routing rules (a bad
 * rule refused by the server with the problem under its field, a good one
 * saved), the organisations with licences and service periods, and the
 * directory upload (a bad file's problems; a good file checked, then imported).
 */
let browser: Browser;
let sim: Simulator;
let desk: Desk;
const contexts: BrowserContext[] = [];

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
  desk = await startTestDesk(sim, {
    dbName: freshDbName(),
    env: { HTTP_PORT: String(port) },
    now: clockFrom('2026-11-23T10:00:00+08:00'),
  });
  await waitUntil(() => sim.connections() > 0, 10_000, 'the bot to connect');
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

async function openAsAdmin(): Promise<Page> {
  const context = await phoneContext(browser);
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${sim.url}/_sim/open-app?userId=admin-gao`);
  await page.getByTestId('user-name').waitFor();
  return page;
}

async function settle(page: Page): Promise<void> {
  await page.locator('.adm-toast-mask').waitFor({ state: 'detached' });
  await page.evaluate(() => window.scrollTo(0, 0));
}

describe('admin directory screens', { timeout: 90_000 }, () => {
  it('团队与路由: the teams, and routing rules checked by the server and saved', async () => {
    const admin = await openAsAdmin();
    await admin.getByRole('link', { name: '团队与路由', exact: true }).click();
    const teams = admin.getByTestId('team-list');
    await teams.waitFor();
    expect(await teams.getByTestId('team-support-ekp').textContent()).toContain('EKP 支持组');
    expect(await teams.getByTestId('team-sorting').textContent()).toContain('分拣中心');

    // the rules derived from the directory: suggestions to the product centre, then one per support team
    expect(await admin.getByTestId('rule-0').locator('input[aria-label="规则名称"]').inputValue()).toBe(
      '建议 → 产品中心评审',
    );
    const rule = admin.locator('[data-rule-id="line-support-ekp"]');
    await rule.waitFor();
    const lines = rule.locator('input[aria-label="产品线（逗号分隔）"]');
    expect(await lines.inputValue()).toBe('EKP, KMS');
    expect(await admin.getByTestId('fallback-team').textContent()).toContain('EKP 支持组');
    await settle(admin);
    await screenshot(admin, 'miniapp-teams');

    // a product line of 16 letters: refused by the server, the problem under the field
    await lines.fill('EKP, ABCDEFGHIJKLMNOP');
    await admin.getByTestId('save-routing').click();
    await admin.getByTestId('routing-error').waitFor();
    const lineError = rule
      .locator('.field', { has: admin.locator('input[aria-label="产品线（逗号分隔）"]') })
      .locator('.field-error');
    await lineError.waitFor();
    expect(await admin.getByTestId('routing-error').textContent()).toContain('productLines');
    expect(await lineError.textContent()).toContain('<=10');

    await lines.fill('EKP');
    await rule.locator('input[aria-label="规则名称"]').fill('EKP → EKP 支持组');
    await admin.getByTestId('save-routing').click();
    await admin.getByText('路由规则已保存').waitFor();
    await admin.reload();
    await rule.waitFor();
    expect(await rule.locator('input[aria-label="规则名称"]').inputValue()).toBe('EKP → EKP 支持组');
    expect(await rule.locator('input[aria-label="产品线（逗号分隔）"]').inputValue()).toBe('EKP');
  });

  it('客户与授权: organisations with licences, and the directory checked then imported', async () => {
    const admin = await openAsAdmin();
    await admin.getByRole('link', { name: '客户与授权', exact: true }).click();
    const list = admin.getByTestId('organisation-list');
    await list.getByTestId('org-org-xa-group').waitFor();
    const xa = list.getByTestId('org-org-xa-group');
    expect(await xa.textContent()).toContain('西安某集团有限公司');
    const ekp = xa.getByTestId('licence-lic-xa-ekp');
    expect(await ekp.textContent()).toContain('EKP V16');
    expect(await ekp.textContent()).toContain('免费服务期 2025-01-01 – 2025-12-31');
    expect(await ekp.textContent()).toContain('付费服务期 2026-01-01 – 2027-12-31');
    expect(await ekp.textContent()).toContain('服务中');
    await settle(admin);
    await screenshot(admin, 'miniapp-customers');

    // a bad file: its problems, nothing to import
    const file = admin.getByTestId('directory-file');
    await file.setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ organisations: [{ id: 'bad id!', name: '' }] })),
    });
    await admin.getByTestId('directory-issues').waitFor();
    expect(await admin.getByTestId('directory-issues').textContent()).toContain('organisations');
    expect(await admin.getByTestId('directory-import-button').count()).toBe(0);

    // the demo directory with one organisation renamed: checked (1 updated), then imported
    const demo = JSON.parse(readFileSync('server/demo/demo-directory.json', 'utf8'));
    demo.organisations[0].name = '西安某集团股份有限公司';
    await file.setInputFiles({
      name: 'directory.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(demo)),
    });
    const counts = admin.getByTestId('count-organisations');
    await counts.waitFor();
    expect((await counts.locator('td').allTextContents()).map(Number)).toEqual([0, 1, 2]);
    expect(await xa.textContent()).toContain('西安某集团有限公司');
    await admin.getByTestId('directory-import-button').click();
    await admin.getByText('通讯录已导入').first().waitFor();
    await waitUntil(
      async () => ((await xa.textContent()) ?? '').includes('西安某集团股份有限公司'),
      10_000,
      'the list to show the imported name',
    );
  });
});
