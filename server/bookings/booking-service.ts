import { createHash } from 'node:crypto';
import {
  type BookingConfig,
  type BookingType,
  bookingConfigSchema,
  bookingTypeOf,
  parseBookingConfig,
} from '../../shared/booking/booking-types.ts';
import { canChange } from '../../shared/booking/notice.ts';
import {
  bookedGranules,
  type ExistingBooking,
  type FreeSlot,
  findFreeSlots,
  type SlotEngineer,
  slotOptionsOf,
} from '../../shared/booking/slots.ts';
import { addWorkingMinutes } from '../../shared/calendar/add-working-minutes.ts';
import type { WorkingCalendar } from '../../shared/calendar/compile-calendar.ts';
import { DomainError } from '../../shared/errors.ts';
import { checkEntitlement, shanghaiDate } from '../../shared/schemas/entitlement.ts';
import { formatBeijingDateTime } from '../../shared/sla/promise-text.ts';
import type { CalendarService } from '../calendar/calendar-service.ts';
import { type Db, isDuplicateKey } from '../db/mongo.ts';
import type { DirectoryCache } from '../directory/directory-cache.ts';
import type { Organisation } from '../directory/organisation-model.ts';
import { type Staff, staffModel, toStaff } from '../directory/staff-model.ts';
import type { Logger } from '../log.ts';
import type { Notice } from '../notifications/outbox.ts';
import type { LifecycleService } from '../tickets/lifecycle-service.ts';
import { staffActor } from '../tickets/lifecycle-service.ts';
import type { Channel } from '../tickets/ticket-model.ts';
import { readTicket } from '../tickets/ticket-service.ts';
import type { TimerStore } from '../timers/timer-store.ts';
import { BookingIndex } from './booking-index.ts';
import {
  type Booking,
  type BookingHistoryEntry,
  bookingClaimModel,
  bookingModel,
  bookingSettingsModel,
  type TimeOff,
  timeOffModel,
} from './booking-model.ts';
import { type BookingNoticeEvent, bookingNotices } from './booking-notices.ts';

/**
 * 服务预约: free slots, booking, rescheduling, cancelling and recording a session that took place.
 *
 * No slot is ever given twice, whatever the number of server processes: a booking holds its
 * engineer's time as one document per 15-minute granule with `_id` = slotKey (see `claim`), so
 * the database's unique `_id` decides who was first — never a check-then-write. The slot search
 * only reads bookings to *offer* slots; what it offers may be gone by the time of the tap, and the
 * claim says so.
 */
export interface BookingServiceDeps {
  db: Db;
  calendars: CalendarService;
  directory: DirectoryCache;
  timers: TimerStore;
  lifecycle: LifecycleService;
  notify: (items: Array<{ key: string; notice: Notice }>) => Promise<void>;
  logger: Logger;
  now: () => Date;
}

export type BookingActor =
  | { kind: 'customer'; userId: string; name: string; orgId: string }
  | { kind: 'staff'; userId: string; name: string; roles: readonly string[] };

export const bookingReminderTimerKind = 'bookingReminder';

/** A claim older than this whose booking does not exist was left by a crash: it is released. */
const orphanAfterMs = 2 * 60_000;
const settingsId = 'booking';
const configTtlMs = 5_000;

/** The slot asked for is no longer free; `alternatives` are the nearest free slots. */
interface Bookable {
  config: BookingConfig;
  calendar: WorkingCalendar;
  /** Earliest start of a booking's blocked time: now + the notice period in working minutes. */
  cutoff: Date;
  horizonEnd: Date;
}

export class SlotTakenError extends DomainError {
  constructor(
    readonly start: Date,
    readonly alternatives: FreeSlot[],
  ) {
    super('conflict', `该时段已被预约：${formatBeijingDateTime(start)}`, {
      details: { start: start.toISOString(), alternatives: alternatives.map((s) => s.start.toISOString()) },
    });
    this.name = 'SlotTakenError';
  }
}

export interface SlotSearch {
  org: Organisation;
  typeKey: string;
  /** Window for the appointment; clamped to [notice cutoff, now + horizon]. Default: the horizon. */
  from?: Date;
  to?: Date;
  now: Date;
  limit?: number;
  /** Put this engineer first when free (the ticket's owner: first-contact ownership). */
  preferEngineerId?: string;
  /** Ignore this booking's own time (rescheduling it). */
  excludeBookingId?: string;
}

export interface SlotOffer {
  type: BookingType;
  slots: FreeSlot[];
  /** The window searched after clamping. */
  from: Date;
  to: Date;
  /** The window asked for lay (partly) outside what may be booked. */
  clamped: 'none' | 'beforeNotice' | 'beyondHorizon';
}

export class BookingService {
  private cachedConfig: { at: number; value: Promise<BookingConfig> } | undefined;
  private cachedEngineers: { at: number; value: Promise<Staff[]> } | undefined;
  /** Busy time for the slot search, followed across processes (booking-index.ts). */
  readonly index: BookingIndex;

  constructor(private readonly deps: BookingServiceDeps) {
    this.index = new BookingIndex(deps.db, deps.now);
  }

  // ---- configuration ------------------------------------------------------------------------

  config(): Promise<BookingConfig> {
    const now = Date.now();
    if (this.cachedConfig && now - this.cachedConfig.at < configTtlMs) return this.cachedConfig.value;
    const value = bookingSettingsModel(this.deps.db)
      .findById(settingsId)
      .lean()
      .then((doc) => bookingConfigSchema.parse(doc?.config ?? {}));
    this.cachedConfig = { at: now, value };
    value.catch(() => {
      this.cachedConfig = undefined;
    });
    return value;
  }

  async saveConfig(input: unknown, by: string, now: Date): Promise<BookingConfig> {
    const config = parseBookingConfig(input);
    await bookingSettingsModel(this.deps.db).updateOne(
      { _id: settingsId },
      { $set: { config, updatedAt: now, updatedBy: by } },
      { upsert: true },
    );
    this.cachedConfig = undefined;
    return config;
  }

  // ---- who may book, and with whom ------------------------------------------------------------

  /** Only contacts of organisations with a service period covering today may book. */
  private entitlement(org: Organisation, now: Date): { ok: true } | { ok: false; lastEndedOn?: string } {
    const today = shanghaiDate(now);
    let lastEndedOn: string | undefined;
    for (const line of new Set(org.licences.map((l) => l.productLine))) {
      const e = checkEntitlement(org.licences, line, today);
      if (e.entitled) return { ok: true };
      if (e.lastEndedOn && (!lastEndedOn || e.lastEndedOn > lastEndedOn)) lastEndedOn = e.lastEndedOn;
    }
    return lastEndedOn ? { ok: false, lastEndedOn } : { ok: false };
  }

  /** Throws DomainError('notEntitled') with the reason in zh-CN unless the organisation may book. */
  assertEntitled(org: Organisation, now: Date): void {
    const e = this.entitlement(org, now);
    if (!e.ok) {
      throw new DomainError(
        'notEntitled',
        e.lastEndedOn
          ? `贵单位的服务期已于 ${e.lastEndedOn} 到期，暂不能预约服务`
          : '贵单位当前没有有效的服务期，暂不能预约服务',
        { details: { orgId: org.id } },
      );
    }
  }

  /**
   * Engineers who take bookings for `org`: active staff with the engineer role in a team serving
   * one of its product lines (or a branch team), all engineers when no team matches. For a type
   * that needs a qualified engineer, those who took part in the implementation are qualified
   * (everyone, when the directory names nobody).
   */
  async engineersFor(org: Organisation): Promise<Array<Staff & { qualified: boolean }>> {
    const [engineers, teams] = await Promise.all([this.activeEngineers(), this.deps.directory.listTeams()]);
    const lines = new Set(org.licences.map((l) => l.productLine));
    const serving = new Set(
      teams.filter((t) => t.kind === 'branch' || t.productLines.some((l) => lines.has(l))).map((t) => t.id),
    );
    const matching = engineers.filter((e) => e.teamIds.some((t) => serving.has(t)));
    const pool = matching.length > 0 ? matching : engineers;
    const implementers = new Set(org.implementationStaffIds ?? []);
    return pool.map((e) => ({ ...e, qualified: implementers.size === 0 || implementers.has(e.userId) }));
  }

  /** Active engineers, read at most every few seconds (the staff collection is read whole). */
  private activeEngineers(): Promise<Staff[]> {
    const now = Date.now();
    if (this.cachedEngineers && now - this.cachedEngineers.at < configTtlMs)
      return this.cachedEngineers.value;
    const value = staffModel(this.deps.db)
      .find({ roles: 'engineer', active: true })
      .lean()
      .then((docs) => docs.map(toStaff).sort((a, b) => a.userId.localeCompare(b.userId)));
    this.cachedEngineers = { at: now, value };
    value.catch(() => {
      this.cachedEngineers = undefined;
    });
    return value;
  }

  // ---- slots --------------------------------------------------------------------------------

  /** What may be booked at `now`: from the notice cutoff to the end of the horizon. */
  private async bookable(now: Date): Promise<Bookable> {
    const [config, calendar] = await Promise.all([this.config(), this.deps.calendars.calendar()]);
    return {
      config,
      calendar,
      cutoff: addWorkingMinutes(calendar, now, config.noticeWorkingMinutes),
      horizonEnd: new Date(now.getTime() + config.horizonDays * 86_400_000),
    };
  }

  async offer(search: SlotSearch): Promise<SlotOffer> {
    const { now } = search;
    const limits = await this.bookable(now);
    const { cutoff, horizonEnd } = limits;
    const type = bookingTypeOf(limits.config, search.typeKey);
    let from = search.from ?? now;
    let to = search.to ?? horizonEnd;
    let clamped: SlotOffer['clamped'] = 'none';
    if (to.getTime() <= cutoff.getTime()) clamped = 'beforeNotice';
    if (from.getTime() >= horizonEnd.getTime()) clamped = 'beyondHorizon';
    if (from < now) from = now;
    if (to > horizonEnd) to = horizonEnd;
    if (to <= from) return { type, slots: [], from, to, clamped };
    const slots = await this.search(search.org, type, from, to, limits, {
      limit: search.limit ?? 6,
      ...(search.preferEngineerId ? { preferEngineerId: search.preferEngineerId } : {}),
      ...(search.excludeBookingId ? { excludeBookingId: search.excludeBookingId } : {}),
    });
    return { type, slots, from, to, clamped };
  }

  private async search(
    org: Organisation,
    type: BookingType,
    from: Date,
    to: Date,
    limits: Bookable,
    opts: {
      limit?: number;
      preferEngineerId?: string;
      excludeBookingId?: string;
      /** engineersFor(org), when the caller has it already. */
      engineers?: Array<Staff & { qualified: boolean }>;
    },
  ): Promise<FreeSlot[]> {
    const engineers = [...(opts.engineers ?? (await this.engineersFor(org)))];
    if (opts.preferEngineerId) {
      const i = engineers.findIndex((e) => e.userId === opts.preferEngineerId);
      if (i > 0) engineers.unshift(...engineers.splice(i, 1));
    }
    // Busy ranges reach at most a day beyond the window (buffers are at most 4 hours each).
    const margin = 86_400_000;
    const busyFrom = new Date(from.getTime() - margin);
    const busyTo = new Date(to.getTime() + margin);
    await this.index.refresh();
    const bookings = this.index.bookingsBetween(busyFrom, busyTo);
    const timeOff = this.index.timeOffBetween(busyFrom, busyTo);
    const offBy = new Map<string, Array<{ from: Date; to: Date }>>();
    for (const t of timeOff) offBy.set(t.engineerId, [...(offBy.get(t.engineerId) ?? []), t]);
    const slotEngineers: SlotEngineer[] = engineers.map((e) => ({
      id: e.userId,
      qualified: e.qualified,
      timeOff: (offBy.get(e.userId) ?? []).map((t) => ({ from: t.from, to: t.to })),
    }));
    const existing: ExistingBooking[] = bookings
      .filter((b) => b.id !== opts.excludeBookingId)
      .map((b) => ({
        engineerId: b.engineerId,
        from: b.start,
        to: b.end,
        bufferBeforeMinutes: b.bufferBeforeMinutes,
        bufferAfterMinutes: b.bufferAfterMinutes,
      }));
    return findFreeSlots({
      calendar: limits.calendar,
      ...slotOptionsOf(type),
      granularityMinutes: limits.config.granularityMinutes,
      from,
      to,
      noticeCutoff: limits.cutoff,
      engineers: slotEngineers,
      bookings: existing,
      ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    });
  }

  /** The nearest free slots around `at` (after a "taken"): the next ones, else the ones before. */
  private async nearest(
    org: Organisation,
    type: BookingType,
    at: Date,
    now: Date,
    excludeBookingId?: string,
  ): Promise<FreeSlot[]> {
    const limits = await this.bookable(now);
    const opts = { limit: 3, ...(excludeBookingId ? { excludeBookingId } : {}) };
    const after = at > now ? at : now;
    const next = await this.search(org, type, after, limits.horizonEnd, limits, opts);
    if (next.length > 0 || at <= now) return next;
    return this.search(org, type, now, at, limits, { ...opts, limit: 20 }).then((s) => s.slice(-3));
  }

  // ---- booking ------------------------------------------------------------------------------

  async get(bookingId: string): Promise<Booking | null> {
    return (await bookingModel(this.deps.db).findById(bookingId).lean()) as Booking | null;
  }

  /** The booking, if `actor` may see it; a customer's view is limited to their organisation. */
  async getFor(bookingId: string, actor: BookingActor): Promise<Booking> {
    const booking = await this.get(bookingId);
    if (!booking || (actor.kind === 'customer' && booking.orgId !== actor.orgId)) {
      throw new DomainError('notFound', `没有找到预约 ${bookingId}`, { details: { bookingId } });
    }
    return booking;
  }

  /**
   * Books `start` for the contact. The same `requestKey` (a redelivered tap) returns the same
   * booking. Throws SlotTakenError with the nearest free slots when no engineer is free any more.
   */
  async book(input: {
    org: Organisation;
    contact: { userId: string; name: string };
    typeKey: string;
    start: Date;
    ticketNo?: string;
    note?: string;
    requestKey: string;
    now: Date;
  }): Promise<Booking> {
    const { org, now } = input;
    let id = bookingIdFor(input.requestKey);
    let done = await this.get(id);
    // Another request with the same hash prefix (about one in 10^12): take the next id.
    for (let n = 1; done && done.requestKey !== input.requestKey; n++) {
      id = bookingIdFor(`${input.requestKey}#${n}`);
      done = await this.get(id);
    }
    if (done) return done;
    this.assertEntitled(org, now);
    const config = await this.config();
    const type = bookingTypeOf(config, input.typeKey);
    const ticket = input.ticketNo ? await this.ticketOf(input.ticketNo, org.id) : undefined;
    const end = new Date(input.start.getTime() + type.durationMinutes * 60_000);
    const candidates = await this.freeEngineersAt(org, type, input.start, now, {
      ...(ticket?.ownerUserId ? { preferEngineerId: ticket.ownerUserId } : {}),
    });
    for (const engineer of candidates) {
      const keys = bookedGranules(engineer.userId, input.start, end, undefined, {
        beforeMinutes: type.bufferBeforeMinutes,
        afterMinutes: type.bufferAfterMinutes,
      });
      if (!(await this.claim(id, keys, now))) continue;
      const booking: Booking = {
        _id: id,
        requestKey: input.requestKey,
        orgId: org.id,
        contactUserId: input.contact.userId,
        contactName: input.contact.name,
        typeKey: type.key,
        typeNameZh: type.nameZh,
        typeNameEn: type.nameEn,
        mode: type.mode,
        ...(type.joinInfoZh ? { joinInfoZh: type.joinInfoZh } : {}),
        engineerId: engineer.userId,
        engineerName: engineer.name,
        start: input.start,
        end,
        bufferBeforeMinutes: type.bufferBeforeMinutes,
        bufferAfterMinutes: type.bufferAfterMinutes,
        ...(ticket ? { ticketNo: ticket._id } : {}),
        ...(input.note ? { note: input.note } : {}),
        status: 'booked',
        version: 1,
        history: [{ at: now, by: actorOfContact(input.contact), what: 'booked' }],
        createdAt: now,
        updatedAt: now,
      };
      try {
        await bookingModel(this.deps.db).create(booking);
      } catch (err) {
        // The same request raced itself (two processes got the redelivery): one booking.
        if (isDuplicateKey(err)) return (await this.get(id))!;
        throw err;
      }
      await this.index.append({ kind: 'booking', booking });
      await this.afterChange(booking, { kind: 'booked' }, now, config);
      return booking;
    }
    throw new SlotTakenError(input.start, await this.nearest(org, type, input.start, now));
  }

  /** Engineers free for `type` at exactly `start`, in preference order; [] when the slot is not offered. */
  private async freeEngineersAt(
    org: Organisation,
    type: BookingType,
    start: Date,
    now: Date,
    opts: { preferEngineerId?: string; excludeBookingId?: string },
  ): Promise<Staff[]> {
    const limits = await this.bookable(now);
    if (Number.isNaN(start.getTime()) || start > limits.horizonEnd) return [];
    const end = new Date(start.getTime() + type.durationMinutes * 60_000);
    const engineers = await this.engineersFor(org);
    const slots = await this.search(org, type, start, end, limits, { ...opts, engineers, limit: 1 });
    const slot = slots[0];
    if (!slot || slot.start.getTime() !== start.getTime()) return [];
    return slot.engineerIds.map((id) => engineers.find((e) => e.userId === id)!);
  }

  /**
   * Holds the granules `keys` for booking `bookingId`, or none of them. Keys are inserted one by
   * one in ascending order, so of two bookings wanting overlapping time exactly one gets the
   * lowest shared key and the other stops there (it never holds a key the winner still needs):
   * one winner, never two losers. A key already held by this booking (a retried request) counts
   * as held; a key held by a booking that does not exist (a crash between claim and booking) or
   * is no longer booked is released and taken. The loser releases what it took.
   */
  private async claim(bookingId: string, keys: string[], now: Date): Promise<boolean> {
    const Claims = bookingClaimModel(this.deps.db);
    const sorted = [...keys].sort();
    const taken: string[] = [];
    for (const key of sorted) {
      if (await this.claimOne(key, bookingId, now)) {
        taken.push(key);
        continue;
      }
      await Promise.all(taken.map((k) => Claims.deleteOne({ _id: k, bookingId })));
      return false;
    }
    return true;
  }

  private async claimOne(key: string, bookingId: string, now: Date): Promise<boolean> {
    const Claims = bookingClaimModel(this.deps.db);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await Claims.collection.insertOne({ _id: key, bookingId, createdAt: now } as never);
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const holder = await Claims.findById(key).lean();
      if (!holder) continue; // released meanwhile: try again
      if (holder.bookingId === bookingId) return true;
      const booking = await this.get(holder.bookingId);
      const stale = booking
        ? booking.status !== 'booked'
        : now.getTime() - new Date(holder.createdAt).getTime() > orphanAfterMs;
      if (!stale) return false;
      await Claims.deleteOne({ _id: key, bookingId: holder.bookingId });
    }
    return false;
  }

  private async release(bookingId: string, keys: string[]): Promise<void> {
    const Claims = bookingClaimModel(this.deps.db);
    await Promise.all(keys.map((k) => Claims.deleteOne({ _id: k, bookingId })));
  }

  private async ticketOf(ticketNo: string, orgId: string) {
    const ticket = await readTicket(this.deps.db, ticketNo);
    if (!ticket || ticket.orgId !== orgId) {
      throw new DomainError('notFound', `没有找到工单 ${ticketNo}`, { details: { ticketNo } });
    }
    return ticket;
  }

  /** Moves a booking to `start` (same engineer when free, else another), within the notice period. */
  async reschedule(input: {
    bookingId: string;
    actor: BookingActor;
    start: Date;
    now: Date;
  }): Promise<Booking> {
    const { actor, now } = input;
    const booking = await this.getFor(input.bookingId, actor);
    if (booking.status !== 'booked') throw notBooked(booking);
    if (booking.start.getTime() === input.start.getTime()) return booking; // a retried request
    const config = await this.config();
    await this.assertChangeable(booking, now, config);
    const org = await this.orgOf(booking);
    const type = typeAsBooked(config, booking);
    const end = new Date(input.start.getTime() + type.durationMinutes * 60_000);
    const candidates = await this.freeEngineersAt(org, type, input.start, now, {
      preferEngineerId: booking.engineerId,
      excludeBookingId: booking._id,
    });
    const oldKeys = keysOf(booking);
    for (const engineer of candidates) {
      const keys = bookedGranules(engineer.userId, input.start, end, undefined, {
        beforeMinutes: type.bufferBeforeMinutes,
        afterMinutes: type.bufferAfterMinutes,
      });
      const fresh = keys.filter((k) => !oldKeys.includes(k));
      if (!(await this.claim(booking._id, fresh, now))) continue;
      const entry: BookingHistoryEntry = {
        at: now,
        by: actorRef(actor),
        what: 'rescheduled',
        fromStart: booking.start,
      };
      const next: Booking = {
        ...booking,
        engineerId: engineer.userId,
        engineerName: engineer.name,
        start: input.start,
        end,
        bufferBeforeMinutes: type.bufferBeforeMinutes,
        bufferAfterMinutes: type.bufferAfterMinutes,
        version: booking.version + 1,
        history: [...booking.history, entry],
        updatedAt: now,
      };
      await this.updateVersion(booking, {
        $set: {
          engineerId: next.engineerId,
          engineerName: next.engineerName,
          start: next.start,
          end: next.end,
          bufferBeforeMinutes: next.bufferBeforeMinutes,
          bufferAfterMinutes: next.bufferAfterMinutes,
          version: next.version,
          updatedAt: now,
        },
        $push: { history: entry },
      });
      await this.index.append({ kind: 'booking', booking: next });
      // Holds both old and new keys in between, never neither.
      await this.release(
        booking._id,
        oldKeys.filter((k) => !keys.includes(k)),
      );
      await this.afterChange(
        next,
        { kind: 'rescheduled', previous: booking, byStaff: actor.kind === 'staff' },
        now,
        config,
      );
      return next;
    }
    throw new SlotTakenError(input.start, await this.nearest(org, type, input.start, now, booking._id));
  }

  async cancel(input: {
    bookingId: string;
    actor: BookingActor;
    now: Date;
    reason?: string;
  }): Promise<Booking> {
    const { actor, now } = input;
    const booking = await this.getFor(input.bookingId, actor);
    if (booking.status === 'cancelled') return booking; // a retried request
    if (booking.status !== 'booked') throw notBooked(booking);
    const config = await this.config();
    // Staff may cancel at any time (an engineer falls ill); customers within the notice period.
    if (actor.kind === 'customer') await this.assertChangeable(booking, now, config);
    const entry: BookingHistoryEntry = {
      at: now,
      by: actorRef(actor),
      what: 'cancelled',
      ...(input.reason ? { reason: input.reason } : {}),
    };
    const next: Booking = {
      ...booking,
      status: 'cancelled',
      version: booking.version + 1,
      history: [...booking.history, entry],
      updatedAt: now,
    };
    await this.updateVersion(booking, {
      $set: { status: 'cancelled', version: next.version, updatedAt: now },
      $push: { history: entry },
    });
    await this.index.append({ kind: 'booking', booking: next });
    await this.release(booking._id, keysOf(booking));
    await this.afterChange(
      next,
      {
        kind: 'cancelled',
        byStaff: actor.kind === 'staff',
        ...(input.reason ? { reason: input.reason } : {}),
      },
      now,
      config,
    );
    return next;
  }

  /**
   * The engineer records the session that took place (远程服务): the booking is completed and,
   * when it belongs to a ticket, the session is logged on it with its duration — which counts as
   * the vendor's response for the SLA (LifecycleService.remoteSession).
   */
  async recordSession(input: {
    bookingId: string;
    staff: { userId: string; name: string; roles: readonly string[] };
    minutes: number;
    note?: string;
    channel?: Channel;
    now: Date;
  }): Promise<Booking> {
    const { staff, now } = input;
    if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > 24 * 60) {
      throw new DomainError('validation', '服务时长须为 1–1440 之间的整数分钟');
    }
    const booking = await this.getFor(input.bookingId, { kind: 'staff', ...staff });
    if (booking.status === 'completed') return booking;
    if (booking.status !== 'booked') throw notBooked(booking);
    if (now < booking.start) throw new DomainError('validation', '预约尚未开始，不能登记服务记录');
    // Once per booking, however often it is asked (a double tap, two screens): the insert decides.
    try {
      await bookingClaimModel(this.deps.db).collection.insertOne({
        _id: `session:${booking._id}`,
        bookingId: booking._id,
        createdAt: now,
      } as never);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return (await this.get(booking._id)) ?? booking;
    }
    const session = {
      minutes: input.minutes,
      recordedAt: now,
      recordedBy: staff.userId,
      ...(input.note ? { note: input.note } : {}),
    };
    const entry: BookingHistoryEntry = {
      at: now,
      by: { kind: 'staff', userId: staff.userId, name: staff.name },
      what: 'completed',
    };
    if (booking.ticketNo && booking.mode !== 'onSite') {
      // The session is the booked engineer's work (and makes him the owner of an unowned ticket),
      // whoever records it.
      const engineer = (await staffActor(this.deps.db, booking.engineerId)) ?? {
        kind: 'staff' as const,
        userId: staff.userId,
        name: staff.name,
        roles: staff.roles as never,
      };
      await this.deps.lifecycle.remoteSession(
        booking.ticketNo,
        engineer,
        {
          mode: booking.mode === 'phone' ? 'phone' : 'remoteControl',
          minutes: input.minutes,
          note: `${booking.typeNameZh}（预约 ${booking._id}）${input.note ? `：${input.note}` : ''}`,
        },
        input.channel ?? 'dingtalk',
        now,
      );
    }
    await this.updateVersion(booking, {
      $set: { status: 'completed', session, version: booking.version + 1, updatedAt: now },
      $push: { history: entry },
    });
    // The time stays held: the session took place in it.
    const completed: Booking = { ...booking, status: 'completed', session, version: booking.version + 1 };
    await this.index.append({ kind: 'booking', booking: completed });
    return completed;
  }

  /**
   * Writes a change made from `booking` as read, only if nobody changed it since (its version).
   * On FerretDB v1 the condition narrows the race without closing it (updates are not isolated);
   * what must never happen twice — holding time, logging a session — rests on inserts.
   */
  private async updateVersion(booking: Booking, update: Record<string, unknown>): Promise<void> {
    const result = await bookingModel(this.deps.db).updateOne(
      { _id: booking._id, version: booking.version },
      update,
    );
    if (result.matchedCount === 0) {
      throw new DomainError('conflict', `预约 ${booking._id} 刚刚被他人更改，请刷新后重试`, {
        details: { bookingId: booking._id },
      });
    }
  }

  private async assertChangeable(booking: Booking, now: Date, config: BookingConfig): Promise<void> {
    const calendar = await this.deps.calendars.calendar();
    const check = canChange(booking.start, now, calendar, config.noticeWorkingMinutes);
    if (!check.ok) {
      throw new DomainError('validation', check.messageZh, {
        details: { reason: check.reason, deadline: check.deadline.toISOString() },
      });
    }
  }

  private async orgOf(booking: Booking): Promise<Organisation> {
    const who = await this.deps.directory.whoIs(booking.contactUserId);
    if (who.kind === 'contact') return who.organisation;
    throw new DomainError('notFound', `预约 ${booking._id} 的联系人已不在通讯录中`);
  }

  // ---- lists --------------------------------------------------------------------------------

  /** The organisation's upcoming bookings (booked, not yet ended), soonest first. */
  async upcomingForOrg(orgId: string, now: Date, limit = 20): Promise<Booking[]> {
    await this.index.refresh();
    const ids = this.index.upcomingOf(orgId, now).slice(0, limit);
    const found = await Promise.all(ids.map((b) => this.get(b.id)));
    return found.filter((b): b is Booking => b?.status === 'booked');
  }

  /** Bookings in [from, to), any status, soonest first; one engineer's when `engineerId` is set. */
  async list(filter: { from: Date; to: Date; engineerId?: string; status?: string }): Promise<Booking[]> {
    const query: Record<string, unknown> = { start: { $lt: filter.to }, end: { $gt: filter.from } };
    if (filter.engineerId) query.engineerId = filter.engineerId;
    if (filter.status) query.status = filter.status;
    return (await bookingModel(this.deps.db).find(query).sort({ start: 1 }).limit(500).lean()) as Booking[];
  }

  // ---- time off ------------------------------------------------------------------------------

  async addTimeOff(input: {
    engineerId: string;
    from: Date;
    to: Date;
    reason?: string;
    by: string;
    now: Date;
  }): Promise<TimeOff> {
    if (!(input.to > input.from)) throw new DomainError('validation', '结束时间须晚于开始时间');
    const staff = await staffModel(this.deps.db).findById(input.engineerId).lean();
    if (!staff) throw new DomainError('notFound', `没有找到工程师 ${input.engineerId}`);
    const doc: TimeOff = {
      _id: `${input.engineerId}|${input.from.toISOString()}|${input.to.toISOString()}`,
      engineerId: input.engineerId,
      from: input.from,
      to: input.to,
      ...(input.reason ? { reason: input.reason } : {}),
      createdAt: input.now,
      createdBy: input.by,
    };
    await timeOffModel(this.deps.db).updateOne({ _id: doc._id }, { $set: doc }, { upsert: true });
    await this.index.append({ kind: 'timeOff', timeOff: doc });
    return doc;
  }

  async removeTimeOff(id: string): Promise<boolean> {
    const result = await timeOffModel(this.deps.db).deleteOne({ _id: id });
    await this.index.append({ kind: 'timeOffRemoved', timeOffId: id });
    return result.deletedCount > 0;
  }

  /** Time off overlapping [from, to) (admin view). */
  async timeOffBetween(from: Date, to: Date): Promise<TimeOff[]> {
    return (await timeOffModel(this.deps.db)
      .find({ from: { $lt: to }, to: { $gt: from } })
      .sort({ from: 1 })
      .lean()) as TimeOff[];
  }

  // ---- effects -------------------------------------------------------------------------------

  /** Notices (engineer, calendar) and reminder timers after a change. */
  private async afterChange(
    booking: Booking,
    event: BookingNoticeEvent,
    now: Date,
    config: BookingConfig,
  ): Promise<void> {
    await this.deps.notify(bookingNotices(booking, event));
    if (booking.status !== 'booked') return;
    for (const minutes of config.reminderMinutesBefore) {
      const at = new Date(booking.start.getTime() - minutes * 60_000);
      if (at > now) {
        await this.deps.timers.schedule({ at, ticketId: booking._id, kind: bookingReminderTimerKind }, now);
      }
    }
  }

  /**
   * A reminder timer came due. It is a hint (timer-store.ts): the booking says whether a reminder
   * is due — still booked, and this timer's instant is one of its reminder times (a reschedule
   * leaves stale timers behind). The outbox key names booking, start and offset, so a timer
   * handled twice, or by two processes, sends one reminder to each side.
   */
  readonly handleReminder = async (timer: { ticketId: string; at: Date }, now: Date): Promise<void> => {
    const booking = await this.get(timer.ticketId);
    if (booking?.status !== 'booked' || now >= booking.start) return;
    const config = await this.config();
    const offset = config.reminderMinutesBefore.find(
      (m) => booking.start.getTime() - m * 60_000 === new Date(timer.at).getTime(),
    );
    if (offset === undefined) return;
    await this.deps.notify(bookingNotices(booking, { kind: 'reminder', minutesBefore: offset }));
  };
}

/** `BK-` + 8 characters of the request's hash: the same request, the same booking id. */
export function bookingIdFor(requestKey: string): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const hash = createHash('sha256').update(requestKey).digest();
  let id = 'BK-';
  for (let i = 0; i < 8; i++) id += alphabet[hash[i]! % alphabet.length];
  return id;
}

function keysOf(booking: Booking): string[] {
  return bookedGranules(booking.engineerId, booking.start, booking.end, undefined, {
    beforeMinutes: booking.bufferBeforeMinutes,
    afterMinutes: booking.bufferAfterMinutes,
  });
}

function notBooked(booking: Booking): DomainError {
  const what = booking.status === 'cancelled' ? '已取消' : '已完成';
  return new DomainError('invalidTransition', `预约 ${booking._id} ${what}，不能再更改`, {
    details: { status: booking.status },
  });
}

function actorOfContact(contact: { userId: string; name: string }): BookingHistoryEntry['by'] {
  return { kind: 'customer', userId: contact.userId, name: contact.name };
}

function actorRef(actor: BookingActor): BookingHistoryEntry['by'] {
  return { kind: actor.kind, userId: actor.userId, name: actor.name };
}

/**
 * The type of a booking as it was booked: its length and buffers are the booking's own (an admin
 * changing the type later does not stretch bookings already made), the placement rules the type's
 * current ones — or, for a type since removed, those of its mode.
 */
function typeAsBooked(config: BookingConfig, booking: Booking): BookingType {
  const current = config.types.find((t) => t.key === booking.typeKey);
  return {
    key: booking.typeKey,
    nameZh: booking.typeNameZh,
    nameEn: booking.typeNameEn,
    enabled: true,
    mode: booking.mode,
    durationMinutes: Math.round((booking.end.getTime() - booking.start.getTime()) / 60_000),
    bufferBeforeMinutes: booking.bufferBeforeMinutes,
    bufferAfterMinutes: booking.bufferAfterMinutes,
    needsQualifiedEngineer: current?.needsQualifiedEngineer ?? booking.mode === 'onSite',
    maySpanBreaks: current?.maySpanBreaks ?? booking.mode === 'onSite',
  };
}
