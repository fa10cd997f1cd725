import { randomBytes } from 'node:crypto';

/**
 * Calendar events (calendar_1_0), kept per calendar owner: the registered
 * user whose unionId is the `{userId}` path segment. Only the primary
 * calendar exists.
 */

/** `date` for all-day events, `dateTime` + `timeZone` otherwise (as sent). */
export interface SimEventTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

export interface SimEventAttendee {
  /** unionId */
  id: string;
  displayName: string;
  responseStatus: string;
  isOptional: boolean;
  self: boolean;
}

export interface SimCalendarEvent {
  id: string;
  /** the owner (organizer): registered userId and its unionId */
  userId: string;
  unionId: string;
  /** the app whose token created it */
  appClientId: string;
  summary: string;
  description: string;
  start: SimEventTime;
  end: SimEventTime;
  isAllDay: boolean;
  /** start and end as ms since epoch (all-day dates at 00:00 UTC) */
  startMs: number;
  endMs: number;
  location?: { displayName: string };
  attendees: SimEventAttendee[];
  reminders?: { method: string; minutes: number }[];
  /** request options such as noChatNotification, as sent */
  extra: Record<string, string>;
  /** `yyyy-MM-ddTHH:mmZ` (UTC, minutes), the platform's format */
  createTime: string;
  updateTime: string;
  /** incremented on every change */
  version: number;
}

/** Event ids look like the platform's (base64 of a base64 string), without path-unsafe characters. */
export function newEventId(): string {
  return Buffer.from(randomBytes(16).toString('base64')).toString('base64').replace(/[+/=]/g, '');
}

/** The platform's createTime/updateTime format: UTC to the minute. */
export function calendarTimestamp(ms: number = Date.now()): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

/** How long an `x-client-token` makes a CreateEvent idempotent (the doc says 1 day). */
const clientTokenTtlMs = 24 * 3600_000;

export class CalendarStore {
  /** userId → eventId → event */
  private readonly byUser = new Map<string, Map<string, SimCalendarEvent>>();
  /** `${userId}\u0000${x-client-token}` → eventId and expiry */
  private readonly clientTokens = new Map<string, { eventId: string; expiresAt: number }>();

  get(userId: string, eventId: string): SimCalendarEvent | undefined {
    return this.byUser.get(userId)?.get(eventId);
  }

  put(event: SimCalendarEvent): void {
    let events = this.byUser.get(event.userId);
    if (!events) {
      events = new Map();
      this.byUser.set(event.userId, events);
    }
    events.set(event.id, event);
  }

  remove(userId: string, eventId: string): boolean {
    return this.byUser.get(userId)?.delete(eventId) ?? false;
  }

  /** A user's events ordered by start time. */
  list(userId: string): SimCalendarEvent[] {
    return [...(this.byUser.get(userId)?.values() ?? [])].sort(
      (a, b) => a.startMs - b.startMs || a.createTime.localeCompare(b.createTime),
    );
  }

  /** Deep copies for callers outside the simulator. */
  snapshot(userId: string): SimCalendarEvent[] {
    return this.list(userId).map((e) => structuredClone(e));
  }

  /** The event an earlier CreateEvent with the same x-client-token made, if it still exists. */
  byClientToken(userId: string, token: string): SimCalendarEvent | undefined {
    const key = `${userId}\u0000${token}`;
    const hit = this.clientTokens.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= Date.now()) {
      this.clientTokens.delete(key);
      return undefined;
    }
    return this.get(userId, hit.eventId);
  }

  rememberClientToken(userId: string, token: string, eventId: string): void {
    const now = Date.now();
    for (const [k, v] of this.clientTokens) if (v.expiresAt <= now) this.clientTokens.delete(k);
    this.clientTokens.set(`${userId}\u0000${token}`, { eventId, expiresAt: now + clientTokenTtlMs });
  }
}
