import mongoose from 'mongoose';
import { type Db, isDuplicateKey, model } from '../db/mongo.ts';
import type { Logger } from '../log.ts';
import { markedMinutes, minuteKey, minuteStart, readMinute, type TicketTimer } from './timer-store.ts';

/**
 * The one periodic sweep over ticket timers (see timer-store.ts): each run
 * reads the minutes from the cursor to now by exact `_id`, hands every timer
 * whose instant has come to the handler for its kind, and keeps the recent
 * minutes under watch (a timer may land in a minute just after a reader
 * passed it). The cursor is stored, so after a restart the sweep catches up
 * with the minutes it missed.
 *
 * Several processes may sweep at once: handlers are idempotent (they
 * recompute from the ticket, and their notices carry dedupe keys), so a
 * timer handled twice has one effect.
 */
export type TimerHandler = (timer: TicketTimer, now: Date) => Promise<void>;

interface SweepCursor {
  _id: string;
  at: Date;
}
const cursorSchema = new mongoose.Schema<SweepCursor>({ _id: String, at: Date }, { versionKey: false });
function cursorModel(db: Db) {
  return model<SweepCursor>(db, 'TimerSweepCursor', cursorSchema);
}
const cursorId = 'ticket-timers';

export interface SweepResult {
  minutesRead: number;
  timersRead: number;
  handled: number;
  failed: number;
  /** now − timer instant for each handled timer, ms. */
  lagsMs: number[];
}

const minuteMs = 60_000;

export class TimerSweeper {
  /** Next index to read, per minute under watch. */
  private readonly readFrom = new Map<string, number>();
  /** Timers read but not yet due (later in the current minute), or whose handler failed. */
  private waiting: TicketTimer[] = [];
  private readonly handledIds = new Set<string>();
  private cursor: Date | undefined;
  private running: Promise<SweepResult> | undefined;

  constructor(
    private readonly db: Db,
    private readonly handlers: Record<string, TimerHandler>,
    private readonly logger: Logger,
    private readonly opts: { lookbackMinutes?: number; maxCatchUpMinutes?: number } = {},
  ) {}

  /** The earliest timer already read but not yet due (so a caller can wake up for it exactly). */
  nextWaitingAt(): Date | undefined {
    let next: number | undefined;
    for (const t of this.waiting) if (next === undefined || t.at.getTime() < next) next = t.at.getTime();
    return next === undefined ? undefined : new Date(next);
  }

  /** One run; concurrent calls share it. */
  sweep(now: Date): Promise<SweepResult> {
    this.running ??= this.run(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(now: Date): Promise<SweepResult> {
    const lookback = this.opts.lookbackMinutes ?? 5;
    const result: SweepResult = { minutesRead: 0, timersRead: 0, handled: 0, failed: 0, lagsMs: [] };
    const nowMinute = minuteStart(minuteKey(now));
    const windowStart = new Date(nowMinute.getTime() - (lookback - 1) * minuteMs);
    let cursorStored = true;
    if (!this.cursor) {
      const stored = await this.loadCursor(nowMinute);
      cursorStored = stored !== undefined;
      this.cursor = stored ?? windowStart;
    }
    const watchFrom = new Date(Math.min(this.cursor.getTime(), windowStart.getTime()));

    // Minutes before the watch window (catching up after a stop): only those the markers point at.
    const keys: string[] =
      watchFrom < windowStart ? await markedMinutes(this.db, watchFrom, windowStart) : [];
    for (let t = windowStart.getTime(); t <= nowMinute.getTime(); t += minuteMs)
      keys.push(minuteKey(new Date(t)));
    // Read minutes a few at a time: each is mostly one miss probe.
    for (let i = 0; i < keys.length; i += 16) {
      const chunk = keys.slice(i, i + 16);
      const reads = await Promise.all(chunk.map((k) => readMinute(this.db, k, this.readFrom.get(k) ?? 0)));
      reads.forEach((r, j) => {
        const k = chunk[j]!;
        this.readFrom.set(k, r.next);
        result.timersRead += r.timers.length;
        for (const t of r.timers) if (!this.handledIds.has(t._id)) this.waiting.push(t);
      });
      result.minutesRead += chunk.length;
    }

    const due = this.waiting.filter((t) => t.at.getTime() <= now.getTime());
    this.waiting = this.waiting.filter((t) => t.at.getTime() > now.getTime());
    due.sort((a, b) => a.at.getTime() - b.at.getTime());
    await Promise.all(
      due.map(async (t) => {
        const handler = this.handlers[t.kind];
        if (!handler) {
          this.logger.warn({ timer: t._id, kind: t.kind }, 'no handler for timer kind; dropped');
          this.handledIds.add(t._id);
          return;
        }
        try {
          await handler(t, now);
          this.handledIds.add(t._id);
          result.handled += 1;
          result.lagsMs.push(now.getTime() - t.at.getTime());
        } catch (err) {
          result.failed += 1;
          this.waiting.push(t); // retried on the next run
          this.logger.error({ err, timer: t._id }, 'timer handler failed; will retry');
        }
      }),
    );

    // Forget minutes that left the watch window; move the stored cursor.
    const keepFrom = minuteKey(new Date(nowMinute.getTime() - (lookback - 1) * minuteMs));
    for (const k of this.readFrom.keys()) if (k < keepFrom) this.readFrom.delete(k);
    for (const id of this.handledIds) if (id.slice(0, 16) < keepFrom) this.handledIds.delete(id);
    if (windowStart.getTime() > this.cursor.getTime() || !cursorStored) {
      const newCursor = new Date(Math.max(windowStart.getTime(), this.cursor.getTime()));
      this.cursor = newCursor;
      await this.storeCursor(newCursor);
    }
    return result;
  }

  /**
   * Moves the stored cursor forward. The first two sweeps on a fresh database may both upsert
   * it: the loser of that race gets a duplicate key (MongoDB and FerretDB alike), and the
   * document exists by then, so the same update once more applies its `$max`.
   */
  private async storeCursor(at: Date): Promise<void> {
    const store = () => cursorModel(this.db).updateOne({ _id: cursorId }, { $max: { at } }, { upsert: true });
    try {
      await store();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await store();
    }
  }

  /** The stored cursor, no further back than the catch-up limit (older timers: see the reconcile scan). */
  private async loadCursor(nowMinute: Date): Promise<Date | undefined> {
    const stored = await cursorModel(this.db).findById(cursorId).lean();
    if (!stored) return undefined;
    const maxCatchUp = (this.opts.maxCatchUpMinutes ?? 400 * 24 * 60) * minuteMs;
    return new Date(Math.max(stored.at.getTime(), nowMinute.getTime() - maxCatchUp));
  }
}
