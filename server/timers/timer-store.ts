import mongoose from 'mongoose';
import { insertBatcher } from '../db/insert-batcher.ts';
import { type Db, model } from '../db/mongo.ts';

/**
 * Ticket timers (SLA at-risk and breach, auto-close reminder, auto-close,
 * final closure) kept in minute buckets that are read by exact `_id`.
 *
 * Why not a query on `nextEscalationAt`: on the embedded FerretDB every query
 * other than `_id` equality reads the whole collection (≈22 µs a document,
 * over 2 s for 100,000 open tickets), so a sweep every second cannot query
 * the tickets. Instead each timer is one immutable document with
 * `_id = <UTC minute>#<n>`, n = 0, 1, 2, … contiguous within the minute, so
 * a reader finds a minute's timers by probing `#0`, `#1`, … until the first
 * miss, and remembers how far it got. Writers claim the next free n by
 * insert (a duplicate means someone took it: try the next), which FerretDB
 * makes exclusive (its updates are not isolated, its unique inserts are).
 *
 * A timer is a hint, not the truth: its handler loads the ticket and
 * recomputes what is due from the ticket itself, so stale timers (the due
 * time moved) are harmless, and the same timer read by two processes is
 * handled idempotently (notices carry dedupe keys, see the outbox).
 */
export interface TicketTimer {
  _id: string;
  /** The exact instant (seconds matter; the bucket is only its minute). */
  at: Date;
  ticketId: string;
  kind: string;
  createdAt: Date;
}

const timerSchema = new mongoose.Schema<TicketTimer>(
  { _id: String, at: Date, ticketId: String, kind: String, createdAt: Date },
  { versionKey: false },
);

export function timerModel(db: Db) {
  return model<TicketTimer>(db, 'TicketTimer', timerSchema);
}

/** "Some timer is in this day / hour" (UTC), `_id` only; inserted once, never removed. */
interface TimerMarker {
  _id: string;
}
const markerSchema = new mongoose.Schema<TimerMarker>({ _id: String }, { versionKey: false });
export function timerMarkerModel(db: Db) {
  return model<TimerMarker>(db, 'TicketTimerMarker', markerSchema);
}
const dayMarker = (at: Date) => `d:${at.toISOString().slice(0, 10)}`;
const hourMarker = (at: Date) => `h:${at.toISOString().slice(0, 13)}`;

/**
 * The minute keys in [from, to) that may hold timers, found through the day
 * and hour markers: a month without timers costs 30 reads, not 43,200.
 */
export async function markedMinutes(db: Db, from: Date, to: Date): Promise<string[]> {
  const Markers = timerMarkerModel(db);
  const has = async (id: string) => (await Markers.exists({ _id: id })) !== null;
  const dayMs = 86_400_000;
  const hourMs = 3_600_000;
  const days: Date[] = [];
  for (let t = Math.floor(from.getTime() / dayMs) * dayMs; t < to.getTime(); t += dayMs)
    days.push(new Date(t));
  const markedDays = await inChunks(days, (d) => has(dayMarker(d)));
  const hours: Date[] = [];
  days.forEach((d, i) => {
    if (!markedDays[i]) return;
    for (let h = 0; h < 24; h++) {
      const t = d.getTime() + h * hourMs;
      if (t + hourMs > from.getTime() && t < to.getTime()) hours.push(new Date(t));
    }
  });
  const markedHours = await inChunks(hours, (h) => has(hourMarker(h)));
  const keys: string[] = [];
  hours.forEach((h, i) => {
    if (!markedHours[i]) return;
    for (let m = 0; m < 60; m++) {
      const t = h.getTime() + m * 60_000;
      if (t >= from.getTime() && t < to.getTime()) keys.push(minuteKey(new Date(t)));
    }
  });
  return keys;
}

async function inChunks<T>(items: T[], f: (item: T) => Promise<boolean>, size = 16): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(f))));
  return out;
}

/** `2026-02-13T09:30` (UTC): the bucket of an instant. */
export function minuteKey(at: Date): string {
  return at.toISOString().slice(0, 16);
}

export function minuteStart(key: string): Date {
  return new Date(`${key}:00.000Z`);
}

const minuteMs = 60_000;

export class TimerStore {
  /** Next n to try per minute, for writing; kept for recent and future minutes. */
  private readonly writeHints = new Map<string, number>();
  private readonly initialising = new Map<string, Promise<number>>();
  /**
   * Day and hour markers stored (or being stored) by this process. Markers
   * are never removed, so each is written once per process rather than with
   * every timer: a duplicate costs as much as an insert, and more on FerretDB
   * (a batch with a duplicate in it is retried there one document at a time).
   */
  private readonly markersStored = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Db,
    /** Timers for minutes further back than this are put in the current minute, where readers still look. */
    private readonly lookbackMinutes = 5,
  ) {}

  /** Stores a timer; resolves once it is durable. */
  async schedule(timer: { at: Date; ticketId: string; kind: string }, now: Date): Promise<string> {
    const earliest = new Date(now.getTime() - (this.lookbackMinutes - 1) * minuteMs);
    const key = minuteKey(timer.at < earliest ? now : timer.at);
    const batcher = insertBatcher<TicketTimer>(timerModel(this.db));
    // Markers first: a sweep catching up over a long stretch reads only the
    // days and hours that hold timers (see markedMinutes).
    const at = minuteStart(key);
    await Promise.all([this.mark(dayMarker(at)), this.mark(hourMarker(at))]);
    for (;;) {
      const n = await this.reserve(key);
      const _id = `${key}#${n}`;
      const result = await batcher.insert({ _id, ...timer, createdAt: now });
      if (result === 'inserted') return _id;
    }
  }

  private mark(id: string): Promise<unknown> {
    let stored = this.markersStored.get(id);
    if (!stored) {
      if (this.markersStored.size >= 100_000) this.markersStored.clear(); // years of hours; then just write again
      stored = insertBatcher<TimerMarker>(timerMarkerModel(this.db)).insert({ _id: id });
      this.markersStored.set(id, stored);
      stored.catch(() => this.markersStored.delete(id)); // not stored: the next timer tries again
    }
    return stored;
  }

  /** Reserves the next n for this minute in this process (the insert decides). */
  private async reserve(key: string): Promise<number> {
    let next = this.writeHints.get(key);
    if (next === undefined) {
      let init = this.initialising.get(key);
      if (!init) {
        init = countPrefix(this.db, key, 0);
        this.initialising.set(key, init);
        void init.finally(() => this.initialising.delete(key)).catch(() => {});
      }
      const found = await init;
      next = Math.max(found, this.writeHints.get(key) ?? 0);
    }
    this.writeHints.set(key, next + 1);
    this.pruneHints();
    return next;
  }

  private pruneHints(): void {
    if (this.writeHints.size < 10_000) return;
    const cutoff = minuteKey(new Date(Date.now() - 2 * 60 * minuteMs));
    for (const k of this.writeHints.keys()) if (k < cutoff) this.writeHints.delete(k);
  }
}

/**
 * Number of timers in the minute (the length of the contiguous prefix
 * `#0…#n-1`), knowing that at least `from` exist: exponential then binary
 * search by exact `_id`, O(log n) reads.
 */
export async function countPrefix(db: Db, key: string, from: number): Promise<number> {
  const Timers = timerModel(db);
  const exists = async (n: number) => (await Timers.exists({ _id: `${key}#${n}` })) !== null;
  if (!(await exists(from))) return from;
  let lo = from; // exists
  let step = 1;
  let hi = from + step;
  while (await exists(hi)) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  // lo exists, hi does not
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await exists(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Reads the timers of one minute from index `from` on, by exact `_id`, up to
 * the first missing index: one probe first (most minutes hold nothing new),
 * then twice as many at a time.
 */
export async function readMinute(
  db: Db,
  key: string,
  from: number,
  parallel = 1,
): Promise<{ timers: TicketTimer[]; next: number }> {
  const Timers = timerModel(db);
  const timers: TicketTimer[] = [];
  let n = from;
  for (;;) {
    const ids = Array.from({ length: parallel }, (_, i) => `${key}#${n + i}`);
    const found = await Promise.all(ids.map((_id) => Timers.findById(_id).lean()));
    for (const t of found) {
      if (!t) return { timers, next: n };
      timers.push(t as TicketTimer);
      n++;
    }
    parallel = Math.min(parallel * 2, 64);
  }
}
