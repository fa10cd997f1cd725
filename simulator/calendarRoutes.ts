import { z } from 'zod';
import { isResponse, openApiApp } from './authRoutes.ts';
import { openApiBody } from './bodyParsing.ts';
import {
  calendarTimestamp,
  newEventId,
  type SimCalendarEvent,
  type SimEventAttendee,
  type SimEventTime,
} from './calendarStore.ts';
import {
  type Handler,
  openApiError,
  openApiOk,
  type Router,
  type SimRequest,
  type SimResponse,
  simError,
  simOk,
} from './httpKit.ts';
import { newRequestId } from './ids.ts';
import type { Platform } from './platform.ts';
import type { RegisteredApp, RegisteredUser } from './registry.ts';

/**
 * Calendar events (calendar_1_0), as `@alicloud/dingtalk/dist/calendar_1_0`
 * sends them: CreateEvent `POST`, ListEvents `GET`
 * `/v1.0/calendar/users/{unionId}/calendars/primary/events`; GetEvent `GET`,
 * PatchEvent `PUT`, DeleteEvent `DELETE` `…/events/{eventId}`. The token is
 * the `x-acs-dingtalk-access-token` header; `{userId}` is the owner's unionId.
 *
 * Simulator choices where the reference is silent (Unconfirmed): a unionId
 * that is not a user of the token's organisation answers 400
 * `invalidParameter.userId`; a calendarId other than `primary` 400
 * `invalidParameter.calendarId`; an unknown (or deleted) eventId 404
 * `eventNotFound`; an end before the start 400 `invalidParameter.end` (for
 * all-day events the end date must be after the start date, T+1); PatchEvent
 * needs `id` equal to the path's eventId; a deleted event is gone (GetEvent
 * does not show it as `cancelled`); DeleteEvent answers 200 with an empty
 * body; `location.displayName: ""` in PatchEvent clears the location;
 * CreateEvent with an `x-client-token` seen in the last day for the same
 * user returns the event it created then.
 */

const maxResultsDefault = 100;

const timeSchema = z.looseObject({
  date: z.string().max(32).optional(),
  dateTime: z.string().max(64).optional(),
  timeZone: z.string().max(64).optional(),
});

const attendeesSchema = z
  .array(z.looseObject({ id: z.string().min(1).max(128), isOptional: z.boolean().optional() }))
  .max(500);

const eventFields = {
  description: z.string().max(5000).optional(),
  isAllDay: z.boolean().optional(),
  location: z.looseObject({ displayName: z.string().max(2048).optional() }).optional(),
  attendees: attendeesSchema.optional(),
  reminders: z
    .array(z.looseObject({ method: z.string().max(32).optional(), minutes: z.number().int().min(0) }))
    .max(5)
    .optional(),
  extra: z.record(z.string(), z.string().max(1024)).optional(),
};

const createSchema = z.looseObject({
  ...eventFields,
  summary: z.string().min(1).max(2048),
  start: timeSchema,
  end: timeSchema,
});

const patchSchema = z.looseObject({
  ...eventFields,
  id: z.string().min(1).max(256),
  summary: z.string().min(1).max(2048).optional(),
  start: timeSchema.optional(),
  end: timeSchema.optional(),
});

type EventBody = z.infer<typeof patchSchema>;

const eventsPath = /^\/v1\.0\/calendar\/users\/([^/]+)\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/;

export interface PathRoutes {
  match(method: string, path: string): Handler | 'wrongMethod' | undefined;
}

/**
 * Registers the simulator's inspection route on the router and returns the
 * calendar OpenAPI routes, whose paths carry ids and so are matched by pattern.
 */
export function addCalendarRoutes(router: Router, p: Platform): PathRoutes {
  // inspection for tests and the chat page: a user's events, by userId
  router.add('GET', '/_sim/calendar', (req) => {
    const userId = req.query.get('userId') ?? '';
    const user = p.registry.user(userId);
    if (!user) return simError(404, 'unknownUser', `用户 ${userId} 未注册`, 'userId');
    return simOk({ userId: user.userId, unionId: user.unionId, events: p.calendars.snapshot(user.userId) });
  });

  return {
    match(method, path) {
      const m = eventsPath.exec(path);
      if (!m) return undefined;
      const [unionId, calendarId, eventId] = [m[1], m[2], m[3]].map(decodeSegment);
      if (unionId === undefined || calendarId === undefined || (m[3] !== undefined && eventId === undefined))
        return undefined;
      const at = { unionId, calendarId };
      if (eventId === undefined) {
        if (method === 'POST') return (req) => createEvent(p, req, at);
        if (method === 'GET') return (req) => listEvents(p, req, at);
        return 'wrongMethod';
      }
      if (method === 'GET') return (req) => getEvent(p, req, at, eventId);
      if (method === 'PUT') return (req) => patchEvent(p, req, at, eventId);
      if (method === 'DELETE') return (req) => deleteEvent(p, req, at, eventId);
      return 'wrongMethod';
    },
  };
}

function decodeSegment(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

interface At {
  unionId: string;
  calendarId: string;
}

/** Token, then the calendar owner (a user of the token's organisation), then the calendar. */
function owner(
  p: Platform,
  req: SimRequest,
  at: At,
): { app: RegisteredApp; user: RegisteredUser } | SimResponse {
  const app = openApiApp(p, req);
  if (isResponse(app)) return app;
  const user = p.registry.userByUnionId(at.unionId);
  if (!user || user.external || user.corpId !== app.corpId)
    return openApiError(400, 'invalidParameter.userId', `userId ${at.unionId} 不是本企业用户的 unionId`);
  if (at.calendarId !== 'primary')
    return openApiError(400, 'invalidParameter.calendarId', 'calendarId 只支持 primary（用户的主日历）');
  return { app, user };
}

const eventNotFound = (eventId: string) => openApiError(404, 'eventNotFound', `日程 ${eventId} 不存在`);

function createEvent(p: Platform, req: SimRequest, at: At): SimResponse {
  const o = owner(p, req, at);
  if ('status' in o) return o;
  const clientToken = header(req, 'x-client-token');
  const body = openApiBody(req, createSchema);
  if (!body.ok) return body.response;
  if (clientToken) {
    const earlier = p.calendars.byClientToken(o.user.userId, clientToken);
    if (earlier) return openApiOk(eventView(p, earlier, false));
  }
  const b = body.value;
  const isAllDay = b.isAllDay ?? false;
  const times = resolveTimes(b.start, b.end, isAllDay);
  if ('status' in times) return times;
  const now = calendarTimestamp();
  const event: SimCalendarEvent = {
    id: newEventId(),
    userId: o.user.userId,
    unionId: o.user.unionId,
    appClientId: o.app.clientId,
    summary: b.summary,
    description: b.description ?? '',
    start: times.start,
    end: times.end,
    isAllDay,
    startMs: times.startMs,
    endMs: times.endMs,
    ...(b.location?.displayName ? { location: { displayName: b.location.displayName } } : {}),
    attendees: attendees(p, b.attendees ?? [], o.user.unionId),
    ...(b.reminders
      ? { reminders: b.reminders.map((r) => ({ method: r.method ?? 'dingtalk', minutes: r.minutes })) }
      : {}),
    extra: b.extra ?? {},
    createTime: now,
    updateTime: now,
    version: 1,
  };
  p.calendars.put(event);
  if (clientToken) p.calendars.rememberClientToken(o.user.userId, clientToken, event.id);
  return openApiOk(eventView(p, event, false));
}

function patchEvent(p: Platform, req: SimRequest, at: At, eventId: string): SimResponse {
  const o = owner(p, req, at);
  if ('status' in o) return o;
  const body = openApiBody(req, patchSchema);
  if (!body.ok) return body.response;
  const event = p.calendars.get(o.user.userId, eventId);
  if (!event) return eventNotFound(eventId);
  const b: EventBody = body.value;
  if (b.id !== eventId)
    return openApiError(400, 'invalidParameter.id', `参数 id (${b.id}) 与路径中的 eventId 不一致`);
  const isAllDay = b.isAllDay ?? event.isAllDay;
  const times = resolveTimes(b.start ?? event.start, b.end ?? event.end, isAllDay);
  if ('status' in times) return times;
  Object.assign(event, {
    start: times.start,
    end: times.end,
    startMs: times.startMs,
    endMs: times.endMs,
    isAllDay,
    ...(b.summary === undefined ? {} : { summary: b.summary }),
    ...(b.description === undefined ? {} : { description: b.description }),
    ...(b.attendees === undefined ? {} : { attendees: attendees(p, b.attendees, event.unionId) }),
    ...(b.reminders === undefined
      ? {}
      : { reminders: b.reminders.map((r) => ({ method: r.method ?? 'dingtalk', minutes: r.minutes })) }),
    ...(b.extra === undefined ? {} : { extra: { ...event.extra, ...b.extra } }),
  });
  if (b.location !== undefined) {
    if (b.location.displayName) event.location = { displayName: b.location.displayName };
    else delete event.location;
  }
  event.updateTime = calendarTimestamp();
  event.version += 1;
  return openApiOk(eventView(p, event, false));
}

function deleteEvent(p: Platform, req: SimRequest, at: At, eventId: string): SimResponse {
  const o = owner(p, req, at);
  if ('status' in o) return o;
  if (!p.calendars.remove(o.user.userId, eventId)) return eventNotFound(eventId);
  return {
    status: 200,
    text: '',
    contentType: 'application/json; charset=utf-8',
    headers: { 'x-acs-request-id': newRequestId() },
  };
}

function getEvent(p: Platform, req: SimRequest, at: At, eventId: string): SimResponse {
  const o = owner(p, req, at);
  if ('status' in o) return o;
  const max = optionalInt(req.query.get('maxAttendees'), 0, 5000);
  if (max === null) return openApiError(400, 'invalidParameter.maxAttendees', 'maxAttendees 必须是非负整数');
  const event = p.calendars.get(o.user.userId, eventId);
  if (!event) return eventNotFound(eventId);
  const view = eventView(p, event, true);
  if (max !== undefined) view.attendees = view.attendees.slice(0, max);
  return openApiOk(view);
}

function listEvents(p: Platform, req: SimRequest, at: At): SimResponse {
  const o = owner(p, req, at);
  if ('status' in o) return o;
  const q = req.query;
  const bound = (name: 'timeMin' | 'timeMax'): number | undefined | SimResponse => {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    const ms = parseDateTime(v, 'UTC');
    return ms ?? openApiError(400, `invalidParameter.${name}`, `${name} 不是合法的 ISO-8601 时间: ${v}`);
  };
  const timeMin = bound('timeMin');
  if (typeof timeMin === 'object') return timeMin;
  const timeMax = bound('timeMax');
  if (typeof timeMax === 'object') return timeMax;
  if (timeMin !== undefined && timeMax !== undefined && timeMax < timeMin)
    return openApiError(400, 'invalidParameter.timeMax', 'timeMax 不能早于 timeMin');
  const maxResults = optionalInt(q.get('maxResults'), 1, 100);
  if (maxResults === null)
    return openApiError(400, 'invalidParameter.maxResults', 'maxResults 必须在 1–100 之间');
  const maxAttendees = optionalInt(q.get('maxAttendees'), 0, 5000);
  if (maxAttendees === null)
    return openApiError(400, 'invalidParameter.maxAttendees', 'maxAttendees 必须是非负整数');
  const offset = pageOffset(q.get('nextToken'));
  if (offset === null) return openApiError(400, 'invalidParameter.nextToken', 'nextToken 不合法');

  const all = p.calendars
    .list(o.user.userId)
    .filter(
      (e) =>
        (timeMin === undefined || e.endMs > timeMin || e.startMs >= timeMin) &&
        (timeMax === undefined || e.startMs < timeMax),
    );
  const size = maxResults ?? maxResultsDefault;
  const page = all.slice(offset, offset + size).map((e) => {
    const view = eventView(p, e, true);
    if (maxAttendees !== undefined) view.attendees = view.attendees.slice(0, maxAttendees);
    return view;
  });
  const next = offset + size < all.length ? Buffer.from(`o:${offset + size}`).toString('base64') : undefined;
  return openApiOk({ events: page, ...(next ? { nextToken: next } : {}) });
}

// ---- helpers

function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** undefined when absent, null when present but not an integer in [min, max]. */
function optionalInt(v: string | null, min: number, max: number): number | undefined | null {
  if (v === null || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v)) return null;
  const n = Number(v);
  return n >= min && n <= max ? n : null;
}

function pageOffset(token: string | null): number | null {
  if (token === null || token === '') return 0;
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  return m ? Number(m[1]) : null;
}

function attendees(
  p: Platform,
  list: { id: string; isOptional?: boolean | undefined }[],
  ownerUnionId: string,
) {
  const seen = new Set<string>();
  const out: SimEventAttendee[] = [];
  for (const a of list) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    out.push({
      id: a.id,
      displayName: p.registry.userByUnionId(a.id)?.name ?? '',
      responseStatus: a.id === ownerUnionId ? 'accepted' : 'needsAction',
      isOptional: a.isOptional ?? false,
      self: a.id === ownerUnionId,
    });
  }
  return out;
}

/** The event as the OpenAPI answers it (CreateEvent/PatchEvent bodies; GetEvent/ListEvents add `status`). */
function eventView(p: Platform, e: SimCalendarEvent, withStatus: boolean) {
  return {
    id: e.id,
    summary: e.summary,
    description: e.description,
    start: { ...e.start },
    end: { ...e.end },
    isAllDay: e.isAllDay,
    ...(e.location ? { location: { ...e.location } } : {}),
    attendees: e.attendees.map((a) => ({ ...a })),
    organizer: {
      id: e.unionId,
      displayName: p.registry.user(e.userId)?.name ?? '',
      responseStatus: 'accepted',
      self: true,
    },
    ...(e.reminders ? { reminders: e.reminders.map((r) => ({ ...r })) } : {}),
    ...(withStatus ? { status: 'confirmed' } : {}),
    createTime: e.createTime,
    updateTime: e.updateTime,
  };
}

type ResolvedTimes = { start: SimEventTime; end: SimEventTime; startMs: number; endMs: number };

function resolveTimes(
  start: SimEventTime,
  end: SimEventTime,
  isAllDay: boolean,
): ResolvedTimes | SimResponse {
  const s = resolveTime(start, isAllDay, 'start');
  if ('status' in s) return s;
  const e = resolveTime(end, isAllDay, 'end');
  if ('status' in e) return e;
  if (isAllDay ? e.ms <= s.ms : e.ms < s.ms) {
    return openApiError(
      400,
      'invalidParameter.end',
      isAllDay ? '全天日程的结束日期必须晚于开始日期（T+1）' : '日程结束时间不能早于开始时间',
    );
  }
  return { start: s.time, end: e.time, startMs: s.ms, endMs: e.ms };
}

function resolveTime(
  t: SimEventTime,
  isAllDay: boolean,
  field: 'start' | 'end',
): { time: SimEventTime; ms: number } | SimResponse {
  const bad = (sub: string, why: string) => openApiError(400, `invalidParameter.${field}.${sub}`, why);
  if (isAllDay) {
    if (!t.date) return openApiError(400, `Missing${field}.date`, `全天日程的 ${field}.date 必填`);
    const ms = parseDate(t.date);
    if (ms === undefined) return bad('date', `${field}.date 格式应为 yyyy-MM-dd`);
    return { time: { date: t.date }, ms };
  }
  if (!t.dateTime)
    return openApiError(400, `Missing${field}.dateTime`, `非全天日程的 ${field}.dateTime 必填`);
  if (!t.timeZone)
    return openApiError(400, `Missing${field}.timeZone`, `非全天日程的 ${field}.timeZone 必填`);
  if (!validTimeZone(t.timeZone)) return bad('timeZone', `${field}.timeZone 不是合法的时区: ${t.timeZone}`);
  const ms = parseDateTime(t.dateTime, t.timeZone);
  if (ms === undefined) return bad('dateTime', `${field}.dateTime 不是合法的 ISO-8601 时间: ${t.dateTime}`);
  return { time: { dateTime: t.dateTime, timeZone: t.timeZone }, ms };
}

const dateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimeRe =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A real calendar date as ms at 00:00 UTC. */
function parseDate(s: string): number | undefined {
  const m = dateRe.exec(s);
  if (!m) return undefined;
  return utcParts(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0, 0);
}

/** ISO-8601 date-time; without an offset it is wall time in `timeZone`. */
export function parseDateTime(s: string, timeZone: string): number | undefined {
  const m = dateTimeRe.exec(s);
  if (!m) return undefined;
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const wall = utcParts(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? '0'),
    ms,
  );
  if (wall === undefined) return undefined;
  const zone = m[8];
  if (zone === 'Z') return wall;
  if (zone !== undefined) {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (!z || Number(z[2]) > 23 || Number(z[3]) > 59) return undefined;
    const offset = (Number(z[2]) * 60 + Number(z[3])) * 60_000 * (z[1] === '-' ? -1 : 1);
    return wall - offset;
  }
  // wall time in the zone: subtract the zone's offset, re-checked once across a DST change
  const first = wall - zoneOffsetMs(timeZone, wall);
  return wall - zoneOffsetMs(timeZone, first);
}

function utcParts(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // reject 2026-02-30 and the like
  return new Date(t).getUTCDate() === d ? t : undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function validTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in ms. */
function zoneOffsetMs(timeZone: string, at: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - (at - (((at % 1000) + 1000) % 1000));
}
