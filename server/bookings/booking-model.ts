import mongoose from 'mongoose';
import type { BookingConfig, BookingMode } from '../../shared/booking/booking-types.ts';
import { type Db, model } from '../db/mongo.ts';

/**
 * Bookings (服务预约) and the documents around them. See shared/booking/README.md for the rules
 * and booking-service.ts for how they are written.
 *
 * On the embedded FerretDB only `_id` equality uses an index, so every document that must be
 * found fast is keyed by what it is looked up with: a booking by its id, a claim by its
 * engineer-and-granule key, a calendar link by the booking id. Listing bookings (a customer's,
 * an engineer's, those overlapping a search window) reads the collection: bookings are few
 * (thousands, not millions) and the benchmark measures that read.
 */
export type BookingStatus = 'booked' | 'cancelled' | 'completed';

export interface BookingHistoryEntry {
  at: Date;
  by: { kind: 'customer' | 'staff' | 'system'; userId?: string; name?: string };
  what: 'booked' | 'rescheduled' | 'cancelled' | 'completed';
  /** For a reschedule: the previous start. */
  fromStart?: Date;
  /** For a cancellation: why, when given. */
  reason?: string;
}

export interface Booking {
  /** `BK-` + 8 characters derived from the request that made it (idempotent on redelivery). */
  _id: string;
  /** What made the booking (e.g. `dingtalk:<msgId>`); the same request returns the same booking. */
  requestKey: string;
  orgId: string;
  contactUserId: string;
  contactName: string;
  typeKey: string;
  /** Name and mode as booked (a later change of the type's name does not rewrite history). */
  typeNameZh: string;
  typeNameEn: string;
  mode: BookingMode;
  joinInfoZh?: string;
  engineerId: string;
  engineerName: string;
  start: Date;
  end: Date;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  ticketNo?: string;
  note?: string;
  status: BookingStatus;
  /** Bumped by every change: the keys of notices about a change carry it. */
  version: number;
  /** A session that took place (远程服务), recorded by the engineer. */
  session?: { minutes: number; recordedAt: Date; recordedBy: string; note?: string };
  history: BookingHistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

const bookingSchema = new mongoose.Schema<Booking>(
  {
    _id: String,
    requestKey: String,
    orgId: String,
    contactUserId: String,
    contactName: String,
    typeKey: String,
    typeNameZh: String,
    typeNameEn: String,
    mode: String,
    joinInfoZh: String,
    engineerId: String,
    engineerName: String,
    start: Date,
    end: Date,
    bufferBeforeMinutes: Number,
    bufferAfterMinutes: Number,
    ticketNo: String,
    note: String,
    status: String,
    version: Number,
    session: mongoose.Schema.Types.Mixed,
    history: mongoose.Schema.Types.Mixed,
    createdAt: Date,
    updatedAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'bookings' },
);
// Used on MongoDB; the embedded FerretDB reads the collection anyway (see above).
bookingSchema.index({ status: 1, start: 1 });

export function bookingModel(db: Db) {
  return model<Booking>(db, 'Booking', bookingSchema);
}

/**
 * One 15-minute granule of one engineer's time held by a booking: `_id` = slotKey(engineer,
 * granule start). The unique `_id` is the double-booking lock (booking-service.ts, `claim`).
 */
export interface BookingClaim {
  _id: string;
  bookingId: string;
  createdAt: Date;
}
const claimSchema = new mongoose.Schema<BookingClaim>(
  { _id: String, bookingId: String, createdAt: Date },
  { versionKey: false, collection: 'booking_claims' },
);
export function bookingClaimModel(db: Db) {
  return model<BookingClaim>(db, 'BookingClaim', claimSchema);
}

/** The DingTalk calendar event made for a booking, in whose calendar (`_id` = booking id). */
export interface BookingCalendarLink {
  _id: string;
  userId: string;
  eventId: string;
  /** The booking version the event shows. */
  version: number;
  updatedAt: Date;
}
const calendarLinkSchema = new mongoose.Schema<BookingCalendarLink>(
  { _id: String, userId: String, eventId: String, version: Number, updatedAt: Date },
  { versionKey: false, collection: 'booking_calendar_links' },
);
export function bookingCalendarLinkModel(db: Db) {
  return model<BookingCalendarLink>(db, 'BookingCalendarLink', calendarLinkSchema);
}

/** The admin's booking configuration: one document, `_id` 'booking'. */
export interface BookingSettings {
  _id: string;
  config: BookingConfig;
  updatedAt: Date;
  updatedBy?: string;
}
const settingsSchema = new mongoose.Schema<BookingSettings>(
  { _id: String, config: mongoose.Schema.Types.Mixed, updatedAt: Date, updatedBy: String },
  { versionKey: false, minimize: false, collection: 'booking_settings' },
);
export function bookingSettingsModel(db: Db) {
  return model<BookingSettings>(db, 'BookingSettings', settingsSchema);
}

/** An engineer's time off (leave, training, other duties): no bookings are offered in it. */
export interface TimeOff {
  _id: string;
  engineerId: string;
  from: Date;
  to: Date;
  reason?: string;
  createdAt: Date;
  createdBy: string;
}
const timeOffSchema = new mongoose.Schema<TimeOff>(
  {
    _id: String,
    engineerId: String,
    from: Date,
    to: Date,
    reason: String,
    createdAt: Date,
    createdBy: String,
  },
  { versionKey: false, collection: 'engineer_time_off' },
);
export function timeOffModel(db: Db) {
  return model<TimeOff>(db, 'EngineerTimeOff', timeOffSchema);
}
