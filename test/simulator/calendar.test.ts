import http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { type CalendarEventSpec, DingTalkClient } from '../../server/dingtalk/dingtalk-client.ts';
import { DingTalkError } from '../../server/dingtalk/errors.ts';
import type { Simulator } from '../../simulator/simulator.ts';
import { $Util, openApiConfig } from './alicloud.ts';
import { app1, getToken, postJson, startTestSimulator } from './helpers.ts';

/**
 * Calendar events (calendar_1_0): the product's DingTalkClient through the
 * official SDK against the simulator, the simulator's inspection API, and
 * the raw error shapes.
 */

const require = createRequire(import.meta.url);
const $Calendar =
  require('@alicloud/dingtalk/dist/calendar_1_0/client.js') as typeof import('@alicloud/dingtalk/dist/calendar_1_0/client.js');

let sim: Simulator;
let client: DingTalkClient;
let u1UnionId: string;

const clientFor = (secret = app1.clientSecret) =>
  new DingTalkClient({
    apiBase: sim.url,
    oapiBase: sim.url,
    clientId: app1.clientId,
    clientSecret: secret,
    robotCode: app1.clientId,
    agentId: String(app1.agentId),
  });

beforeAll(async () => {
  sim = await startTestSimulator();
  client = clientFor();
  const reg = (await (await fetch(`${sim.url}/_sim/registry`)).json()) as {
    users: { userId: string; unionId: string }[];
  };
  u1UnionId = reg.users.find((u) => u.userId === 'u1')?.unionId ?? '';
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** 2026-03-02 09:30 in Shanghai = 01:30 UTC. */
const booking = (over: Partial<CalendarEventSpec> = {}): CalendarEventSpec => ({
  summary: '上门服务 SD-2026-000123',
  description: '客户：西安某集团；联系人 张伟',
  start: new Date('2026-03-02T01:30:00Z'),
  end: new Date('2026-03-02T03:30:00Z'),
  location: '西安市雁塔区科技路 1 号',
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to reject');
}

function eventsPath(unionId: string, eventId?: string): string {
  return `${sim.url}/v1.0/calendar/users/${unionId}/calendars/primary/events${eventId ? `/${eventId}` : ''}`;
}

describe('DingTalkClient calendar events', () => {
  test('create → the engineer has the event, with the right times', async () => {
    const eventId = await client.createCalendarEvent('u1', booking());
    expect(eventId).toMatch(/^[A-Za-z0-9]{20,}$/);
    const events = sim.calendarEvents('u1');
    const ev = events.find((e) => e.id === eventId);
    expect(ev).toMatchObject({
      userId: 'u1',
      unionId: u1UnionId,
      appClientId: app1.clientId,
      summary: '上门服务 SD-2026-000123',
      description: '客户：西安某集团；联系人 张伟',
      start: { dateTime: '2026-03-02T09:30:00+08:00', timeZone: 'Asia/Shanghai' },
      end: { dateTime: '2026-03-02T11:30:00+08:00', timeZone: 'Asia/Shanghai' },
      isAllDay: false,
      startMs: Date.parse('2026-03-02T01:30:00Z'),
      endMs: Date.parse('2026-03-02T03:30:00Z'),
      location: { displayName: '西安市雁塔区科技路 1 号' },
      createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/),
    });
    // the same through the simulator's HTTP inspection route
    const res = await fetch(`${sim.url}/_sim/calendar?userId=u1`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { userId: string; unionId: string; events: { id: string }[] };
    expect(body.userId).toBe('u1');
    expect(body.unionId).toBe(u1UnionId);
    expect(body.events.map((e) => e.id)).toContain(eventId);
    // other users' calendars are untouched
    expect(sim.calendarEvents('u2')).toEqual([]);
  });

  test('update replaces summary, times and location', async () => {
    const eventId = await client.createCalendarEvent('u1', booking());
    await client.updateCalendarEvent(
      'u1',
      eventId,
      booking({
        summary: '上门服务（改期）',
        start: new Date('2026-03-03T06:00:00Z'),
        end: new Date('2026-03-03T07:00:00Z'),
        location: undefined,
      }),
    );
    const ev = sim.calendarEvents('u1').find((e) => e.id === eventId);
    expect(ev).toMatchObject({
      summary: '上门服务（改期）',
      start: { dateTime: '2026-03-03T14:00:00+08:00', timeZone: 'Asia/Shanghai' },
      end: { dateTime: '2026-03-03T15:00:00+08:00', timeZone: 'Asia/Shanghai' },
      startMs: Date.parse('2026-03-03T06:00:00Z'),
      version: 2,
    });
    expect(ev?.location).toBeUndefined();
  });

  test('delete removes the event; deleting again still succeeds', async () => {
    const eventId = await client.createCalendarEvent('u1', booking());
    expect(sim.calendarEvents('u1').some((e) => e.id === eventId)).toBe(true);
    await client.deleteCalendarEvent('u1', eventId);
    expect(sim.calendarEvents('u1').some((e) => e.id === eventId)).toBe(false);
    await expect(client.deleteCalendarEvent('u1', eventId)).resolves.toBeUndefined();
    await expect(client.deleteCalendarEvent('u1', 'neverExisted')).resolves.toBeUndefined();
    // the platform itself says 404 on the second delete
    const token = await getToken(sim, app1);
    const raw = await fetch(eventsPath(u1UnionId, eventId), {
      method: 'DELETE',
      headers: { 'x-acs-dingtalk-access-token': token },
    });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toMatchObject({ code: 'eventNotFound' });
  });

  test('updating a deleted event is an error, not a silent success', async () => {
    const eventId = await client.createCalendarEvent('u1', booking());
    await client.deleteCalendarEvent('u1', eventId);
    const err = await rejection(client.updateCalendarEvent('u1', eventId, booking()));
    expect(err).toBeInstanceOf(DingTalkError);
    expect(err).toMatchObject({ code: 'eventNotFound', status: 404 });
  });

  test('looks the unionId up once per user', async () => {
    const fresh = clientFor();
    // The legacy oapi calls go through node:http (dingtalk-client.ts, postJson).
    const spy = vi.spyOn(http, 'request');
    const a = await fresh.createCalendarEvent('u2', booking());
    const b = await fresh.createCalendarEvent('u2', booking({ summary: '第二次' }));
    await fresh.deleteCalendarEvent('u2', a);
    const lookups = spy.mock.calls.filter(([url]) => String(url).includes('/topapi/v2/user/get'));
    spy.mockRestore();
    expect(lookups).toHaveLength(1);
    expect(sim.calendarEvents('u2').map((e) => e.id)).toEqual([b]);
  });

  test('refreshes an expired token and carries on', async () => {
    await client.createCalendarEvent('u1', booking());
    sim.expireTokens();
    const eventId = await client.createCalendarEvent('u1', booking({ summary: '令牌过期之后' }));
    expect(sim.calendarEvents('u1').find((e) => e.id === eventId)?.summary).toBe('令牌过期之后');
  });

  test('bad app credentials are an error', async () => {
    const err = await rejection(clientFor('wrong').createCalendarEvent('u1', booking()));
    expect(err).toBeInstanceOf(DingTalkError);
    expect(err).toMatchObject({ code: 'invalidClientIdOrSecret', status: 400 });
  });

  test('an unknown user (or one of another organisation) is an error', async () => {
    for (const userId of ['nobody', 'other']) {
      const err = await rejection(client.createCalendarEvent(userId, booking()));
      expect(err).toBeInstanceOf(DingTalkError);
      expect(err).toMatchObject({ api: 'user/get', code: '60121' });
    }
    expect(sim.calendarEvents('other')).toEqual([]);
  });

  test('an end before the start is refused with 400', async () => {
    const before = sim.calendarEvents('u1').length;
    const err = await rejection(
      client.createCalendarEvent(
        'u1',
        booking({ start: new Date('2026-03-02T03:30:00Z'), end: new Date('2026-03-02T01:30:00Z') }),
      ),
    );
    expect(err).toBeInstanceOf(DingTalkError);
    expect(err).toMatchObject({ code: 'invalidParameter.end', status: 400 });
    expect(sim.calendarEvents('u1')).toHaveLength(before);
  });
});

describe('calendar_1_0 through the SDK directly', () => {
  const runtime = () => new $Util.RuntimeOptions({});
  let token: string;
  let calendar: InstanceType<typeof $Calendar.default>;

  beforeAll(async () => {
    token = await getToken(sim, app1);
    calendar = new $Calendar.default(openApiConfig(sim));
  });

  test('CreateEvent, GetEvent and ListEvents with timeMin/timeMax', async () => {
    const created = await calendar.createEventWithOptions(
      u1UnionId,
      'primary',
      new $Calendar.CreateEventRequest({
        summary: '远程支持',
        start: new $Calendar.CreateEventRequestStart({
          dateTime: '2026-04-01T10:00:00',
          timeZone: 'Asia/Shanghai',
        }),
        end: new $Calendar.CreateEventRequestEnd({
          dateTime: '2026-04-01T11:00:00',
          timeZone: 'Asia/Shanghai',
        }),
        attendees: [new $Calendar.CreateEventRequestAttendees({ id: u1UnionId })],
        extra: { noChatNotification: 'true' },
      }),
      new $Calendar.CreateEventHeaders({ xAcsDingtalkAccessToken: token }),
      runtime(),
    );
    expect(created.statusCode).toBe(200);
    const id = created.body?.id ?? '';
    expect(created.body).toMatchObject({
      summary: '远程支持',
      organizer: { id: u1UnionId, displayName: '张三', self: true },
      attendees: [{ id: u1UnionId, displayName: '张三', self: true }],
    });
    // wall time without an offset is read in the given zone
    expect(sim.calendarEvents('u1').find((e) => e.id === id)?.startMs).toBe(
      Date.parse('2026-04-01T02:00:00Z'),
    );
    expect(sim.calendarEvents('u1').find((e) => e.id === id)?.extra).toEqual({ noChatNotification: 'true' });

    const got = await calendar.getEventWithOptions(
      u1UnionId,
      'primary',
      id,
      new $Calendar.GetEventRequest({}),
      new $Calendar.GetEventHeaders({ xAcsDingtalkAccessToken: token }),
      runtime(),
    );
    expect(got.body).toMatchObject({ id, summary: '远程支持', status: 'confirmed' });

    const list = (timeMin: string, timeMax: string) =>
      calendar.listEventsWithOptions(
        u1UnionId,
        'primary',
        new $Calendar.ListEventsRequest({ timeMin, timeMax }),
        new $Calendar.ListEventsHeaders({ xAcsDingtalkAccessToken: token }),
        runtime(),
      );
    const inside = await list('2026-04-01T00:00:00+08:00', '2026-04-02T00:00:00+08:00');
    expect(inside.body?.events?.map((e) => e.id)).toEqual([id]);
    const after = await list('2026-04-01T11:00:00+08:00', '2026-04-02T00:00:00+08:00');
    expect(after.body?.events).toEqual([]);
  });

  test('all-day events need dates, the end at least the next day', async () => {
    const create = (start: string, end: string) =>
      calendar.createEventWithOptions(
        u1UnionId,
        'primary',
        new $Calendar.CreateEventRequest({
          summary: '驻场',
          isAllDay: true,
          start: new $Calendar.CreateEventRequestStart({ date: start }),
          end: new $Calendar.CreateEventRequestEnd({ date: end }),
        }),
        new $Calendar.CreateEventHeaders({ xAcsDingtalkAccessToken: token }),
        runtime(),
      );
    const ok = await create('2026-05-06', '2026-05-07');
    expect(ok.body).toMatchObject({
      isAllDay: true,
      start: { date: '2026-05-06' },
      end: { date: '2026-05-07' },
    });
    await expect(create('2026-05-06', '2026-05-06')).rejects.toMatchObject({
      code: 'invalidParameter.end',
      data: { statusCode: 400 },
    });
  });

  test('a made-up token and an unknown unionId', async () => {
    const create = (unionId: string, t: string) =>
      calendar.createEventWithOptions(
        unionId,
        'primary',
        new $Calendar.CreateEventRequest({
          summary: 'x',
          start: new $Calendar.CreateEventRequestStart({
            dateTime: '2026-04-01T10:00:00+08:00',
            timeZone: 'Asia/Shanghai',
          }),
          end: new $Calendar.CreateEventRequestEnd({
            dateTime: '2026-04-01T11:00:00+08:00',
            timeZone: 'Asia/Shanghai',
          }),
        }),
        new $Calendar.CreateEventHeaders({ xAcsDingtalkAccessToken: t }),
        runtime(),
      );
    await expect(create(u1UnionId, 'made-up')).rejects.toMatchObject({
      code: 'InvalidAuthentication',
      data: { statusCode: 400 },
    });
    await expect(create('noSuchUnionId', token)).rejects.toMatchObject({
      code: 'invalidParameter.userId',
      data: { statusCode: 400 },
    });
  });
});

describe('calendar raw HTTP', () => {
  let token: string;
  const valid = {
    summary: '上门',
    start: { dateTime: '2026-04-01T10:00:00+08:00', timeZone: 'Asia/Shanghai' },
    end: { dateTime: '2026-04-01T11:00:00+08:00', timeZone: 'Asia/Shanghai' },
  };
  beforeAll(async () => {
    token = await getToken(sim, app1);
  });
  const auth = () => ({ 'x-acs-dingtalk-access-token': token });

  test('missing summary, start or end → 400 Missing{field} in the OpenAPI error shape', async () => {
    for (const field of ['summary', 'start', 'end'] as const) {
      const { [field]: _gone, ...body } = valid;
      const r = await postJson(eventsPath(u1UnionId), body, auth());
      expect(r.status).toBe(400);
      expect(r.json).toEqual({
        requestid: expect.any(String),
        code: `Missing${field}`,
        message: `${field} is mandatory for this action.`,
      });
      expect(r.headers.get('x-acs-request-id')).toBe(r.json.requestid);
    }
    const noZone = await postJson(
      eventsPath(u1UnionId),
      { ...valid, start: { dateTime: '2026-04-01T10:00:00+08:00' } },
      auth(),
    );
    expect(noZone.status).toBe(400);
    expect(noZone.json.code).toBe('Missingstart.timeZone');
  });

  test('end before start, bad times, no token, another calendar', async () => {
    const backwards = await postJson(
      eventsPath(u1UnionId),
      { ...valid, end: { dateTime: '2026-04-01T09:00:00+08:00', timeZone: 'Asia/Shanghai' } },
      auth(),
    );
    expect(backwards.status).toBe(400);
    expect(backwards.json).toMatchObject({ code: 'invalidParameter.end', message: expect.any(String) });
    const badTime = await postJson(
      eventsPath(u1UnionId),
      { ...valid, start: { dateTime: '2026-02-30T10:00:00+08:00', timeZone: 'Asia/Shanghai' } },
      auth(),
    );
    expect(badTime.json.code).toBe('invalidParameter.start.dateTime');
    const badZone = await postJson(
      eventsPath(u1UnionId),
      { ...valid, start: { dateTime: '2026-04-01T10:00:00', timeZone: 'Mars/Olympus' } },
      auth(),
    );
    expect(badZone.json.code).toBe('invalidParameter.start.timeZone');
    const noToken = await postJson(eventsPath(u1UnionId), valid);
    expect(noToken.status).toBe(400);
    expect(noToken.json).toMatchObject({ code: 'InvalidAuthentication', message: '不合法的access_token' });
    const other = await postJson(
      `${sim.url}/v1.0/calendar/users/${u1UnionId}/calendars/team/events`,
      valid,
      auth(),
    );
    expect(other.status).toBe(400);
    expect(other.json.code).toBe('invalidParameter.calendarId');
  });

  test('GetEvent/PUT of an unknown event → 404; an unsupported method → InvalidAction.NotFound', async () => {
    const get = await fetch(eventsPath(u1UnionId, 'nope'), { headers: auth() });
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ code: 'eventNotFound', requestid: expect.any(String) });
    const put = await fetch(eventsPath(u1UnionId, 'nope'), {
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'nope', summary: 'x' }),
    });
    expect(put.status).toBe(404);
    const patch = await fetch(eventsPath(u1UnionId, 'nope'), { method: 'PATCH', headers: auth() });
    expect(patch.status).toBe(404);
    expect(await patch.json()).toMatchObject({ code: 'InvalidAction.NotFound' });
  });

  test('PatchEvent needs the id; an x-client-token makes CreateEvent idempotent', async () => {
    const first = await postJson(eventsPath(u1UnionId), valid, { ...auth(), 'x-client-token': 'booking-42' });
    const again = await postJson(eventsPath(u1UnionId), valid, { ...auth(), 'x-client-token': 'booking-42' });
    expect(again.json.id).toBe(first.json.id);
    expect(sim.calendarEvents('u1').filter((e) => e.id === first.json.id)).toHaveLength(1);
    const id = String(first.json.id);
    const put = (body: unknown) =>
      fetch(eventsPath(u1UnionId, id), {
        method: 'PUT',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const noId = await put({ summary: 'x' });
    expect(noId.status).toBe(400);
    expect(await noId.json()).toMatchObject({ code: 'Missingid' });
    const backwards = await put({
      id,
      end: { dateTime: '2026-04-01T09:00:00+08:00', timeZone: 'Asia/Shanghai' },
    });
    expect(backwards.status).toBe(400);
    expect(sim.calendarEvents('u1').find((e) => e.id === id)?.end.dateTime).toBe('2026-04-01T11:00:00+08:00');
  });

  test('the inspection route answers 404 for an unknown user', async () => {
    const r = await fetch(`${sim.url}/_sim/calendar?userId=nobody`);
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ error: 'unknownUser', field: 'userId' });
  });
});
