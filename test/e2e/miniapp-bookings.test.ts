import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureMiniAppBuilt } from '../../miniapp/ensure-built.ts';
import { bookingModel } from '../../server/bookings/booking-model.ts';
import type { Desk } from '../../server/desk.ts';
import { getOrganisation } from '../../server/directory/directory-service.ts';
import { type Simulator, startSimulator } from '../../simulator/simulator.ts';
import { freePort, launchBrowser, phoneContext, screenshot } from '../support/browser.ts';
import { freshDbName } from '../support/db.ts';
import { clockFrom, startTestDesk, waitUntil } from '../support/stack.ts';

/**
 * 服务预约 in the mini-app, in a real browser against the whole stack with the demo directory,
 * clock from Mon 2026-11-23 10:00 Shanghai: the admin changes a booking type's duration in
 * 预约管理 → 预约配置 (a duration that is not a multiple of 15 minutes is refused under its field,
 * nothing saved, nothing typed lost; a good one is saved and still there after a reload); an
 * engineer sees a booking made the way chat makes it (desk.bookings.book) in 我的预约 and, once it
 * has started, records the session.
 */
let browser: Browser;
let sim: Simulator;
let desk: Desk;
const contexts: BrowserContext[] = [];
const clock = clockFrom('2026-11-23T10:00:00+08:00');
/** Moves the desk's clock ahead (the session can be recorded once the booking has started). */
let shiftMs = 0;
const now = () => new Date(clock().getTime() + shiftMs);

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
  desk = await startTestDesk(sim, { dbName: freshDbName(), env: { HTTP_PORT: String(port) }, now });
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

async function openAs(userId: string): Promise<Page> {
  const context = await phoneContext(browser);
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${sim.url}/_sim/open-app?userId=${userId}`);
  await page.getByTestId('user-name').waitFor();
  return page;
}

/** Waits for toasts to go (they cover the screen for 2 s) and scrolls to `where` (default: the top). */
async function settle(page: Page, where?: Locator): Promise<void> {
  await page.locator('.adm-toast-mask').waitFor({ state: 'detached' });
  if (where) await where.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  else await page.evaluate(() => window.scrollTo(0, 0));
}

const durationLabel = '时长（分钟）';

async function openConfig(page: Page): Promise<Locator> {
  await page.getByRole('link', { name: '预约管理', exact: true }).click();
  await page.getByTestId('all-bookings').waitFor();
  await page.locator('.adm-tabs-tab', { hasText: '预约配置' }).click();
  const training = page.getByTestId('booking-type-training');
  await training.waitFor();
  return training;
}

describe('mini-app bookings', { timeout: 90_000 }, () => {
  it('the admin changes a booking type: a bad duration under its field, a good one saved', async () => {
    const admin = await openAs('admin-gao');
    const training = await openConfig(admin);
    const duration = training.locator(`input[aria-label="${durationLabel}"]`);
    expect(await duration.inputValue()).toBe('120');

    // not a multiple of 15: refused here, under the field, with the server's own message
    await duration.fill('50');
    await admin.getByTestId('save-booking-config').click();
    const error = training
      .locator('.field', { has: admin.locator(`input[aria-label="${durationLabel}"]`) })
      .locator('.field-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('时长须为 15 分钟的整数倍');
    expect(await duration.inputValue()).toBe('50'); // nothing typed is lost
    expect((await desk.bookings.config()).types.find((t) => t.key === 'training')?.durationMinutes).toBe(120);
    await settle(admin, training);
    await screenshot(admin, 'miniapp-booking-config');

    await duration.fill('90');
    await error.waitFor({ state: 'detached' });
    await admin.getByTestId('save-booking-config').click();
    await admin.getByText('预约配置已保存').waitFor();
    expect((await desk.bookings.config()).types.find((t) => t.key === 'training')?.durationMinutes).toBe(90);

    await admin.reload();
    await admin.getByTestId('all-bookings').waitFor();
    await admin.locator('.adm-tabs-tab', { hasText: '预约配置' }).click();
    await admin.getByTestId('booking-type-training').waitFor();
    expect(
      await admin
        .getByTestId('booking-type-training')
        .locator(`input[aria-label="${durationLabel}"]`)
        .inputValue(),
    ).toBe('90');
    // the other types are as they were
    expect(
      await admin
        .getByTestId('booking-type-onSite')
        .locator(`input[aria-label="${durationLabel}"]`)
        .inputValue(),
    ).toBe('240');
  });

  it('an engineer sees a booking made in chat and records the session once it has started', async () => {
    const org = await getOrganisation(desk.db, 'org-xa-group');
    const offer = await desk.bookings.offer({ org, typeKey: 'remoteSupport', now: now(), limit: 1 });
    const slot = offer.slots[0]!;
    // 10:00 (and the seconds this test has run) + 2 working hours, then lunch until 13:00
    expect(slot.start.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-23T13:00:00+08:00'));
    const hhmm = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(11, 16);
    const booking = await desk.bookings.book({
      org,
      contact: { userId: 'cust-xa-01', name: '张伟' },
      typeKey: 'remoteSupport',
      start: slot.start,
      note: '流程审批页面报错，需要远程排查',
      requestKey: 'e2e:booking-1',
      now: now(),
    });

    // the engineer opens 我的预约 five minutes after the start
    shiftMs = booking.start.getTime() + 5 * 60_000 - clock().getTime();
    const page = await openAs(booking.engineerId);
    await page.getByRole('link', { name: '我的预约', exact: true }).click();
    const card = page.locator(`[data-booking="${booking._id}"]`);
    await card.waitFor();
    expect(await card.getByTestId('booking-time').textContent()).toBe(
      `11月23日 周一 ${hhmm(booking.start)}–${hhmm(booking.end)}`,
    );
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('远程支持');
    expect(text).toContain('西安某集团有限公司 · 张伟');
    expect(text).toContain('流程审批页面报错，需要远程排查');
    expect(await card.getByTestId('booking-join').textContent()).toContain('钉钉音视频');
    expect(await card.getByTestId('booking-status').textContent()).toBe('已预约');
    await settle(page);
    await screenshot(page, 'miniapp-my-bookings');

    await card.getByTestId('record-session').click();
    const form = card.getByTestId('session-form');
    // the minutes are checked here first
    await form.getByTestId('save-session').click();
    await form.locator('.field-error').first().waitFor();
    expect(await form.locator('.field-error').first().textContent()).toBe('请填写 1–1440 之间的整数分钟');
    await form.locator('input[aria-label="服务时长（分钟）"]').fill('45');
    await form.getByTestId('session-note').locator('textarea:not([readonly])').fill('已远程修复流程配置');
    await form.getByTestId('save-session').click();
    await page.getByText('服务记录已登记').waitFor();
    const done = page.locator(`[data-booking="${booking._id}"][data-status="completed"]`);
    await done.waitFor();
    expect(await done.getByTestId('booking-session').textContent()).toBe('45 分钟：已远程修复流程配置');
    const stored = await bookingModel(desk.db).findById(booking._id).lean();
    expect(stored).toMatchObject({
      status: 'completed',
      session: { minutes: 45, note: '已远程修复流程配置', recordedBy: booking.engineerId },
    });
  });

  it("the admin's list shows every engineer's bookings; time off added there keeps the engineer out", async () => {
    const admin = await openAs('admin-gao');
    await admin.getByRole('link', { name: '预约管理', exact: true }).click();
    const list = admin.getByTestId('booking-list');
    await list.waitFor();
    const row = list.getByTestId('booking').first();
    expect(await row.getAttribute('data-status')).toBe('completed');
    expect(await row.textContent()).toContain('工程师');
    expect(await row.getByTestId('booking-session').textContent()).toBe('45 分钟：已远程修复流程配置');
    await admin.getByTestId('all-bookings').getByText('已取消', { exact: true }).click();
    await admin.getByTestId('all-bookings').getByText('近期没有预约。').waitFor();
    await admin.getByTestId('all-bookings').getByText('全部', { exact: true }).last().click();
    await list.waitFor();
    await settle(admin);
    await screenshot(admin, 'miniapp-booking-admin');

    await admin.locator('.adm-tabs-tab', { hasText: '请假' }).click();
    const form = admin.getByTestId('time-off-form');
    await form.waitFor();
    await form.getByText('杨帆', { exact: true }).click();
    await form.locator('input[aria-label="开始时间"]').fill('2026-11-24T09:00');
    await form.locator('input[aria-label="结束时间"]').fill('2026-11-24T08:00');
    await form.getByTestId('save-time-off').click();
    expect(await form.locator('.field-error').first().textContent()).toBe('结束时间须晚于开始时间');
    await form.locator('input[aria-label="结束时间"]').fill('2026-11-24T18:00');
    await form.locator('input[aria-label="原因（可选）"]').fill('年假');
    await form.getByTestId('save-time-off').click();
    await admin.getByText('请假已登记').waitFor();
    const entry = admin.getByTestId('time-off-entry');
    await entry.waitFor();
    expect(await entry.textContent()).toContain('杨帆');
    expect(await entry.textContent()).toContain('年假');
    const stored = await desk.bookings.timeOffBetween(
      new Date('2026-11-24T00:00:00+08:00'),
      new Date('2026-11-25T00:00:00+08:00'),
    );
    expect(stored.map((t) => [t.engineerId, t.from.toISOString(), t.to.toISOString()])).toEqual([
      ['eng-xa-yang', '2026-11-24T01:00:00.000Z', '2026-11-24T10:00:00.000Z'],
    ]);
    const org = await getOrganisation(desk.db, 'org-xa-group');
    const offer = await desk.bookings.offer({
      org,
      typeKey: 'consultation',
      from: new Date('2026-11-24T09:00:00+08:00'),
      to: new Date('2026-11-24T18:00:00+08:00'),
      now: now(),
      limit: 50,
    });
    expect(offer.slots.length).toBeGreaterThan(0);
    expect(offer.slots.some((s) => s.engineerIds.includes('eng-xa-yang'))).toBe(false);
  });
});
