import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Booking, bookingClaimModel, bookingModel } from '../../../server/bookings/booking-model.ts';
import { SlotTakenError } from '../../../server/bookings/booking-service.ts';
import type { Desk } from '../../../server/desk.ts';
import { getOrganisation } from '../../../server/directory/directory-service.ts';
import { type Ticket, ticketModel } from '../../../server/tickets/ticket-model.ts';
import type { SimRecord, Simulator } from '../../../simulator/simulator.ts';
import { freshDbName } from '../../support/db.ts';
import { chat, startTestDesk, startTestSimulator, textOf, waitUntil } from '../../support/stack.ts';

/**
 * 服务预约 through the simulator: a customer books, lists, reschedules and cancels in chat; the
 * engineer's DingTalk calendar follows; concurrent taps on one slot from two server processes give
 * one booking; reminders arrive once, across a restart; a remote session counts for the ticket.
 * The clock is the test's (Wednesday 4 March 2026, a working day), shared by every desk.
 */
let sim: Simulator;
let desk: Desk;
let second: Desk;
let dbName: string;
let nowMs = Date.parse('2026-03-04T10:00:00+08:00');
const now = () => new Date(nowMs);
const at = (local: string) => {
  nowMs = Date.parse(`${local}+08:00`);
};

beforeAll(async () => {
  sim = await startTestSimulator();
  dbName = freshDbName();
  desk = await startTestDesk(sim, { dbName, now });
  // A second server process with its own bot connection on the same database.
  second = await startTestDesk(sim, { dbName, now, env: { DEMO_DATA: 'false' } });
  await waitUntil(() => sim.connections() > 1, 5000);
});
afterAll(async () => {
  await second?.stop();
  await desk?.stop();
  await sim?.close();
});

const settle = async () => {
  await desk.outbox?.idle();
  await second.outbox?.idle();
};
async function say(userId: string, text: string): Promise<SimRecord> {
  const [reply] = await chat(sim, userId, text);
  await settle();
  return reply!;
}
function buttons(r: SimRecord): Array<{ title: string; text: string }> {
  if (r.content.type !== 'actionCard') return [];
  return r.content.buttons.map((b) => ({
    title: b.title,
    text: decodeURIComponent(b.url.replace(/^.*content=/, '')),
  }));
}
const bookingIdIn = (r: SimRecord) => /BK-[A-Z0-9]{8}/.exec(textOf(r))?.[0];
const load = async (id: string) => (await bookingModel(desk.db).findById(id).lean()) as Booking;
const claimsOf = async (id: string) =>
  (await bookingClaimModel(desk.db).find({ bookingId: id }).lean()).length;

describe('booking in chat', () => {
  let bookingId: string;

  it('预约 asks for the type, then offers free slots after the notice period as buttons', async () => {
    const ask = await say('cust-xa-01', '预约');
    expect(textOf(ask)).toContain('请选择预约类型');
    expect(buttons(ask).map((b) => b.title)).toEqual([
      '远程支持',
      '现场服务',
      '咨询电话',
      '培训',
      '巡检沟通',
    ]);

    const slots = await say('cust-xa-01', '远程支持');
    expect(textOf(slots)).toContain('可预约的时段');
    // 10:00 + 2 working hours = 12:00, lunch until 13:00: the first one-hour slot is 13:00.
    expect(buttons(slots)[0]).toEqual({
      title: '3月4日（周三）13:00–14:00',
      text: '确认预约 远程支持 2026-03-04 13:00',
    });
    expect(buttons(slots)).toHaveLength(5);
  });

  it('one tap books: confirmation card, work notification and a calendar event for the engineer', async () => {
    const done = await say('cust-xa-01', '确认预约 远程支持 2026-03-04 13:00');
    expect(textOf(done)).toContain('预约成功');
    expect(textOf(done)).toContain('参加方式');
    bookingId = bookingIdIn(done)!;
    const booking = await load(bookingId);
    expect(booking).toMatchObject({
      status: 'booked',
      typeKey: 'remoteSupport',
      contactUserId: 'cust-xa-01',
    });
    expect(booking.start.toISOString()).toBe('2026-03-04T05:00:00.000Z');
    expect(await claimsOf(bookingId)).toBe(4); // four 15-minute granules
    const engineer = booking.engineerId;
    expect(
      sim
        .records({ kind: 'workNotice', userId: engineer })
        .some((r) => JSON.stringify(r.content).includes(bookingId)),
    ).toBe(true);
    await waitUntil(() => sim.calendarEvents(engineer).length === 1, 5000, 'calendar event');
    const [event] = sim.calendarEvents(engineer);
    expect(event!.summary).toContain('远程支持');
    expect(new Date(event!.startMs).toISOString()).toBe('2026-03-04T05:00:00.000Z');
  });

  it('the same slot tapped by another customer goes to the next free engineer', async () => {
    const first = await load(bookingId);
    const again = await say('cust-xa-02', '确认预约 远程支持 2026-03-04 13:00');
    expect(textOf(again)).toContain('预约成功');
    const other = bookingIdIn(again)!;
    expect(other).not.toBe(bookingId);
    expect((await load(other)).engineerId).not.toBe(first.engineerId);
    // The same request again (a redelivered tap) is the same booking, nothing more.
    const org = await getOrganisation(desk.db, 'org-xa-group');
    const request = {
      org,
      contact: { userId: 'cust-xa-02', name: '客户' },
      typeKey: 'consultation',
      start: new Date('2026-03-04T15:00:00+08:00'),
      requestKey: 'dingtalk:redelivered',
      now: now(),
    };
    const a = await desk.bookings.book(request);
    const b = await second.bookings.book(request);
    expect(b._id).toBe(a._id);
    expect(await claimsOf(a._id)).toBe(2);
    for (const id of [other, a._id])
      await desk.bookings.cancel({
        bookingId: id,
        actor: { kind: 'staff', userId: 'admin-gao', name: '高洁', roles: ['admin'] },
        now: now(),
      });
  });

  it('我的预约 lists the upcoming bookings of the organisation', async () => {
    const list = await say('cust-xa-01', '我的预约');
    expect(textOf(list)).toContain(bookingId);
    expect(buttons(list).map((b) => b.text)).toContain(`改约 ${bookingId}`);
  });

  it('改约 with a date offers slots in that window, one tap moves the booking and its calendar event', async () => {
    const offer = await say('cust-xa-01', `改约 ${bookingId} 明天下午`);
    expect(textOf(offer)).toContain('明天下午');
    const first = buttons(offer)[0]!;
    expect(first.text).toBe(`确认改约 ${bookingId} 2026-03-05 13:00`);
    const moved = await say('cust-xa-01', first.text);
    expect(textOf(moved)).toContain('改约成功');
    const booking = await load(bookingId);
    expect(booking.start.toISOString()).toBe('2026-03-05T05:00:00.000Z');
    expect(booking.version).toBe(2);
    expect(await claimsOf(bookingId)).toBe(4); // the old granules released, the new held
    await waitUntil(
      () => sim.calendarEvents(booking.engineerId)[0]?.startMs === Date.parse('2026-03-05T13:00:00+08:00'),
      5000,
      'calendar event moved',
    );
    expect(sim.calendarEvents(booking.engineerId)).toHaveLength(1);
  });

  it('取消预约 cancels, frees the time and removes the calendar event', async () => {
    const booking = await load(bookingId);
    const done = await say('cust-xa-01', `取消预约 ${bookingId}`);
    expect(textOf(done)).toContain('预约已取消');
    expect((await load(bookingId)).status).toBe('cancelled');
    expect(await claimsOf(bookingId)).toBe(0);
    await waitUntil(
      () => sim.calendarEvents(booking.engineerId).length === 0,
      5000,
      'calendar event removed',
    );
  });

  it('understands a sentence with a date and a type', async () => {
    const offer = await say('cust-xa-02', '下周二上午想约远程支持');
    expect(textOf(offer)).toContain('下周二上午');
    const starts = buttons(offer).map((b) => b.text);
    expect(starts[0]).toBe('确认预约 远程支持 2026-03-10 09:00');
    expect(starts.every((t) => t.includes('2026-03-10'))).toBe(true);
    expect(textOf(await say('cust-xa-02', '取消'))).toContain('已取消');
  });

  it('an organisation without a valid service period is told why and whom to contact', async () => {
    const reply = await say('cust-lz-01', '预约远程支持');
    expect(textOf(reply)).toContain('服务期已于 2025-06-30 到期');
    expect(textOf(reply)).toContain('客户经理');
  });

  it('refuses a change inside the notice period', async () => {
    const done = await say('cust-xa-01', '确认预约 咨询电话 2026-03-05 09:00');
    const id = bookingIdIn(done)!;
    at('2026-03-04T16:30:00'); // 2 working hours before 09:00 tomorrow is 16:00 today (day ends 18:00)
    const refused = await say('cust-xa-01', `取消预约 ${id}`);
    expect(textOf(refused)).toContain('截止 2026-03-04 16:00');
    expect((await load(id)).status).toBe('booked');
    at('2026-03-04T10:00:00');
  });
});

describe('no double booking', () => {
  it('two customers tapping the same slot at once through two processes: one booking, one "taken" with alternatives', async () => {
    // Only one engineer free on Monday 9 March: the others are away.
    const org = await getOrganisation(desk.db, 'org-xa-group');
    const engineers = await desk.bookings.engineersFor(org);
    const [kept, ...away] = engineers;
    for (const e of away) {
      await desk.bookings.addTimeOff({
        engineerId: e.userId,
        from: new Date('2026-03-09T00:00:00+08:00'),
        to: new Date('2026-03-10T00:00:00+08:00'),
        by: 'admin-gao',
        now: now(),
      });
    }
    const tap = '确认预约 远程支持 2026-03-09 10:00';
    const [a, b] = await Promise.all([chat(sim, 'cust-xa-02', tap), chat(sim, 'cust-xa-03', tap)]);
    const texts = [textOf(a[0]!), textOf(b[0]!)];
    expect(texts.filter((t) => t.includes('预约成功'))).toHaveLength(1);
    const loser = texts.find((t) => t.includes('已被预约'))!;
    expect(loser).toContain('最近的空闲时段');
    const booked = await desk.bookings.list({
      from: new Date('2026-03-09T00:00:00+08:00'),
      to: new Date('2026-03-10T00:00:00+08:00'),
      status: 'booked',
    });
    expect(booked).toHaveLength(1);
    expect(booked[0]!.engineerId).toBe(kept!.userId);
  });

  it('ten concurrent requests for one slot on two processes: exactly one wins, losers hold no granule', async () => {
    const org = await getOrganisation(desk.db, 'org-xa-group');
    const start = new Date('2026-03-09T14:00:00+08:00');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? desk : second).bookings.book({
          org,
          contact: { userId: 'cust-xa-02', name: '客户' },
          typeKey: 'consultation',
          start,
          requestKey: `race-${i}`,
          now: now(),
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SlotTakenError);
    const claims = await bookingClaimModel(desk.db).find({}).lean();
    const holders = new Set(claims.map((c) => c.bookingId));
    const winner = (won[0] as PromiseFulfilledResult<Booking>).value;
    for (let i = 0; i < 10; i++) {
      const id = (await import('../../../server/bookings/booking-service.ts')).bookingIdFor(`race-${i}`);
      if (id !== winner._id) expect(holders.has(id)).toBe(false);
    }
  });

  it('a granule left by a crash between claim and booking is released after two minutes', async () => {
    const org = await getOrganisation(desk.db, 'org-xa-group');
    const start = new Date('2026-03-09T16:00:00+08:00');
    const free = await desk.bookings.offer({
      org,
      typeKey: 'consultation',
      from: start,
      to: new Date(start.getTime() + 30 * 60_000),
      now: now(),
    });
    const engineer = free.slots[0]!.engineerIds[0]!;
    const { slotKey } = await import('../../../shared/booking/slots.ts');
    await bookingClaimModel(desk.db).create({
      _id: slotKey(engineer, start),
      bookingId: 'BK-CRASHED1',
      createdAt: new Date(nowMs - 5 * 60_000),
    });
    const booking = await desk.bookings.book({
      org,
      contact: { userId: 'cust-xa-02', name: '客户' },
      typeKey: 'consultation',
      start,
      requestKey: 'after-crash',
      now: now(),
    });
    expect(booking.engineerId).toBe(engineer);
  });
});

describe('on-site visits', () => {
  it('go to an engineer who took part in the implementation, holding the travel time on both sides', async () => {
    const org = await getOrganisation(desk.db, 'org-xa-group');
    const offer = await desk.bookings.offer({
      org,
      typeKey: 'onSite',
      from: new Date('2026-03-11T00:00:00+08:00'),
      to: new Date('2026-03-12T00:00:00+08:00'),
      now: now(),
    });
    // 240 minutes with an hour of travel each way, through lunch: 10:00–14:00 is the first.
    expect(offer.slots[0]!.start.toISOString()).toBe('2026-03-11T02:00:00.000Z');
    expect([...offer.slots[0]!.engineerIds].sort()).toEqual(['eng-xa-yang', 'lead-xa-ma']);
    const booking = await desk.bookings.book({
      org,
      contact: { userId: 'cust-xa-01', name: '张伟' },
      typeKey: 'onSite',
      start: offer.slots[0]!.start,
      requestKey: 'onsite-1',
      now: now(),
    });
    expect(['eng-xa-yang', 'lead-xa-ma']).toContain(booking.engineerId);
    expect(await claimsOf(booking._id)).toBe((240 + 120) / 15);
    // The other process sees the booking at once (its index follows the change log).
    const there = await second.bookings.offer({
      org,
      typeKey: 'onSite',
      from: offer.slots[0]!.start,
      to: offer.slots[0]!.end,
      now: now(),
    });
    expect(there.slots[0]?.engineerIds ?? []).not.toContain(booking.engineerId);
    // The same engineer cannot take a remote session in the travel time after the visit.
    const later = await second.bookings.offer({
      org,
      typeKey: 'remoteSupport',
      from: new Date('2026-03-11T14:00:00+08:00'),
      to: new Date('2026-03-11T15:00:00+08:00'),
      now: now(),
    });
    expect(later.slots[0]?.engineerIds).not.toContain(booking.engineerId);
  });
});

describe('reminders', () => {
  it('the day before and 30 minutes before, each once, across a restart and two sweeping processes', async () => {
    at('2026-03-04T11:00:00');
    const done = await say('cust-xa-01', '确认预约 培训 2026-03-06 10:00');
    const id = bookingIdIn(done)!;
    const booking = await load(id);
    const reminders = () => ({
      customer: sim
        .records({ kind: 'otoSend', userId: 'cust-xa-01' })
        .filter(
          (r) => JSON.stringify(r.content).includes('服务预约提醒') && JSON.stringify(r.content).includes(id),
        ).length,
      engineer: sim
        .records({ kind: 'workNotice', userId: booking.engineerId })
        .filter(
          (r) => JSON.stringify(r.content).includes('服务预约提醒') && JSON.stringify(r.content).includes(id),
        ).length,
    });

    // Restart the first process between booking and reminder: the timers are in the database.
    await desk.stop();
    desk = await startTestDesk(sim, { dbName, now });
    at('2026-03-05T10:00:30');
    await Promise.all([desk.sweeper.sweep(now()), second.sweeper.sweep(now())]);
    await desk.sweeper.sweep(now());
    await settle();
    await waitUntil(
      () => reminders().customer === 1 && reminders().engineer === 1,
      5000,
      'day-before reminders',
    );

    at('2026-03-06T09:30:30');
    await Promise.all([desk.sweeper.sweep(now()), second.sweeper.sweep(now())]);
    await settle();
    await waitUntil(
      () => reminders().customer === 2 && reminders().engineer === 2,
      5000,
      '30-minute reminders',
    );
    await second.sweeper.sweep(new Date(nowMs + 60_000));
    await settle();
    expect(reminders()).toEqual({ customer: 2, engineer: 2 });
    at('2026-03-04T10:00:00');
  });
});

describe('remote session', () => {
  it("recorded by the engineer against the booking's ticket, counting as the vendor response", async () => {
    at('2026-03-04T10:00:00');
    const [filed] = await chat(sim, 'cust-xa-01', '报障 EKP 3级 流程审批页面打不开');
    const ticketNo = /SD-\d{4}-\d{6}/.exec(textOf(filed!))![0];
    await settle();
    const offer = await say('cust-xa-01', `预约远程支持 ${ticketNo} 明天上午`);
    const tap = buttons(offer)[0]!.text;
    expect(tap).toContain(ticketNo);
    const id = bookingIdIn(await say('cust-xa-01', tap))!;
    const booking = await load(id);
    expect(booking.ticketNo).toBe(ticketNo);

    at('2026-03-05T10:30:00');
    const [recorded] = await chat(sim, booking.engineerId, `完成预约 ${id} 45 已远程修复`);
    expect(textOf(recorded!)).toContain(`已记入工单 ${ticketNo}`);
    const ticket = (await ticketModel(desk.db).findById(ticketNo).lean()) as Ticket;
    const entry = ticket.timeline.find((e) => e.kind === 'remoteSession');
    expect(entry?.text).toContain('45 分钟');
    expect(new Date(ticket.sla!.firstResponseAt!).toISOString()).toBe(now().toISOString());
    expect((await load(id)).status).toBe('completed');
    // Recorded again (a double tap, another screen): still one session on the ticket.
    await Promise.all([
      chat(sim, booking.engineerId, `完成预约 ${id} 45`),
      desk.bookings.recordSession({
        bookingId: id,
        staff: { userId: 'lead-li', name: '李军', roles: ['teamLead', 'engineer'] },
        minutes: 50,
        now: now(),
      }),
    ]);
    const again = (await ticketModel(desk.db).findById(ticketNo).lean()) as Ticket;
    expect(again.timeline.filter((e) => e.kind === 'remoteSession')).toHaveLength(1);
    at('2026-03-04T10:00:00');
  });
});
