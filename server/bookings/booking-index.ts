import mongoose from 'mongoose';
import { type Db, isDuplicateKey, model } from '../db/mongo.ts';
import {
  type Booking,
  type BookingStatus,
  bookingModel,
  type TimeOff,
  timeOffModel,
} from './booking-model.ts';

/**
 * The busy time the slot search needs (bookings that hold time, engineers' time off), in memory,
 * kept current across processes by an append-only change log read by exact `_id`.
 *
 * Why: on the embedded FerretDB a query on anything but `_id` reads the whole collection — about
 * half a second for 2,000 bookings on this machine — and a customer waits for the slot card. So each
 * process loads the collections once, then follows the log: every change (booked, moved, cancelled,
 * completed, time off added or removed) appends one immutable entry with `_id` = n, n = 0, 1, 2, …
 * claimed by insert (a duplicate means another process took n: try n + 1). The entries therefore
 * always form a gap-free prefix, and a reader that knows it has read up to n finds what is new by
 * probing n, n + 1, … until the first miss: one `_id` read per search when nothing changed.
 *
 * Loading: read the head hint (a lower bound of the log's length: written with `$max` after each
 * append, a lost update only makes it lower), then the collections, then the log from the hint.
 * Every change the collection read missed was appended after the hint was read, so it is at or
 * after the hint. Entries carry the booking version; an older one never overwrites a newer one.
 *
 * The index only *offers* slots; the claims in booking-service.ts decide who gets one. A change
 * still being written when a search runs may be missing from it: the tap then gets "taken".
 */
export interface IndexedBooking {
  id: string;
  orgId: string;
  contactUserId: string;
  engineerId: string;
  start: Date;
  end: Date;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  status: BookingStatus;
  version: number;
}

type LogEntry =
  | { _id: number; kind: 'booking'; booking: IndexedBooking; at: Date }
  | { _id: number; kind: 'timeOff'; timeOff: Omit<TimeOff, 'createdAt' | 'createdBy'>; at: Date }
  | { _id: number; kind: 'timeOffRemoved'; timeOffId: string; at: Date };

const logSchema = new mongoose.Schema(
  {
    _id: Number,
    kind: String,
    booking: mongoose.Schema.Types.Mixed,
    timeOff: mongoose.Schema.Types.Mixed,
    timeOffId: String,
    at: Date,
  },
  { versionKey: false, collection: 'booking_log' },
);
function logModel(db: Db) {
  return model<LogEntry>(db, 'BookingLog', logSchema as mongoose.Schema<LogEntry>);
}
const headSchema = new mongoose.Schema<{ _id: string; n: number }>(
  { _id: String, n: Number },
  { versionKey: false, collection: 'booking_log_head' },
);
function headModel(db: Db) {
  return model<{ _id: string; n: number }>(db, 'BookingLogHead', headSchema);
}
const headId = 'head';

/** Bookings whose time ended longer ago than this are not needed by any search. */
const keepPastMs = 2 * 86_400_000;

export function indexedOf(b: Booking): IndexedBooking {
  return {
    id: b._id,
    orgId: b.orgId,
    contactUserId: b.contactUserId,
    engineerId: b.engineerId,
    start: new Date(b.start),
    end: new Date(b.end),
    bufferBeforeMinutes: b.bufferBeforeMinutes,
    bufferAfterMinutes: b.bufferAfterMinutes,
    status: b.status,
    version: b.version,
  };
}

export class BookingIndex {
  private readonly bookings = new Map<string, IndexedBooking>();
  private readonly timeOff = new Map<string, Omit<TimeOff, 'createdAt' | 'createdBy'>>();
  /** Next log entry to read. */
  private next = 0;
  private loading: Promise<void> | undefined;
  private catchingUp: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
  ) {}

  /** Brings the index up to date with every change appended so far (one `_id` read when none). */
  async refresh(): Promise<void> {
    this.loading ??= this.load().catch((err) => {
      this.loading = undefined;
      throw err;
    });
    await this.loading;
    this.catchingUp ??= this.catchUp().finally(() => {
      this.catchingUp = undefined;
    });
    await this.catchingUp;
  }

  private async load(): Promise<void> {
    const head = await headModel(this.db).findById(headId).lean();
    const since = new Date(this.clock().getTime() - keepPastMs);
    const [bookings, timeOff] = await Promise.all([
      bookingModel(this.db)
        .find({ status: { $ne: 'cancelled' }, end: { $gt: since } })
        .lean() as Promise<Booking[]>,
      timeOffModel(this.db)
        .find({ to: { $gt: since } })
        .lean() as Promise<TimeOff[]>,
    ]);
    for (const b of bookings) this.applyBooking(indexedOf(b));
    for (const t of timeOff) this.timeOff.set(t._id, t);
    this.next = head?.n ?? 0;
  }

  private async catchUp(): Promise<void> {
    this.prune();
    const Log = logModel(this.db);
    for (;;) {
      const entry = (await Log.findById(this.next).lean()) as LogEntry | null;
      if (!entry) return;
      this.apply(entry);
      this.next = entry._id + 1;
    }
  }

  private prunedAt = 0;

  /** Forgets bookings and time off long past (at most hourly): no search looks there. */
  private prune(): void {
    const now = this.clock().getTime();
    if (Math.abs(now - this.prunedAt) < 3_600_000) return;
    this.prunedAt = now;
    for (const [id, b] of this.bookings) if (b.end.getTime() < now - keepPastMs) this.bookings.delete(id);
    for (const [id, t] of this.timeOff) if (t.to.getTime() < now - keepPastMs) this.timeOff.delete(id);
  }

  private apply(entry: LogEntry): void {
    switch (entry.kind) {
      case 'booking':
        this.applyBooking({
          ...entry.booking,
          start: new Date(entry.booking.start),
          end: new Date(entry.booking.end),
        });
        return;
      case 'timeOff':
        this.timeOff.set(entry.timeOff._id, {
          ...entry.timeOff,
          from: new Date(entry.timeOff.from),
          to: new Date(entry.timeOff.to),
        });
        return;
      case 'timeOffRemoved':
        this.timeOff.delete(entry.timeOffId);
        return;
    }
  }

  private applyBooking(b: IndexedBooking): void {
    const known = this.bookings.get(b.id);
    if (known && known.version > b.version) return;
    // A cancelled booking stays as a tombstone with its version, so an older entry read later
    // does not bring it back; the readers skip it.
    this.bookings.set(b.id, b);
  }

  /** Appends a change to the log (and applies it here). Resolves once it is durable. */
  async append(
    change:
      | { kind: 'booking'; booking: Booking }
      | { kind: 'timeOff'; timeOff: TimeOff }
      | { kind: 'timeOffRemoved'; timeOffId: string },
  ): Promise<void> {
    const at = this.clock();
    const body =
      change.kind === 'booking'
        ? { kind: 'booking' as const, booking: indexedOf(change.booking), at }
        : change.kind === 'timeOff'
          ? {
              kind: 'timeOff' as const,
              timeOff: {
                _id: change.timeOff._id,
                engineerId: change.timeOff.engineerId,
                from: change.timeOff.from,
                to: change.timeOff.to,
                ...(change.timeOff.reason ? { reason: change.timeOff.reason } : {}),
              },
              at,
            }
          : { kind: 'timeOffRemoved' as const, timeOffId: change.timeOffId, at };
    const Log = logModel(this.db);
    let n = this.next;
    for (;;) {
      try {
        await Log.collection.insertOne({ _id: n, ...body } as never);
        break;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        n++;
      }
    }
    await headModel(this.db).updateOne({ _id: headId }, { $max: { n: n + 1 } }, { upsert: true });
    // Everything before n is someone else's change not read yet: the next refresh reads it.
    this.apply({ _id: n, ...body } as LogEntry);
  }

  /** Bookings holding time (booked or completed) that overlap [from, to). */
  bookingsBetween(from: Date, to: Date): IndexedBooking[] {
    const out: IndexedBooking[] = [];
    for (const b of this.bookings.values()) {
      if (b.status !== 'cancelled' && b.start < to && b.end > from) out.push(b);
    }
    return out;
  }

  /** Booked bookings of an organisation ending after `now`, soonest first. */
  upcomingOf(orgId: string, now: Date): IndexedBooking[] {
    return [...this.bookings.values()]
      .filter((b) => b.orgId === orgId && b.status === 'booked' && b.end > now)
      .sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  timeOffBetween(from: Date, to: Date): Array<Omit<TimeOff, 'createdAt' | 'createdBy'>> {
    return [...this.timeOff.values()].filter((t) => t.from < to && t.to > from);
  }
}
