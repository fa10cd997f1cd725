import mongoose from 'mongoose';
import { insertBatcher } from '../server/db/insert-batcher.ts';
import { type Db, model } from '../server/db/mongo.ts';
import type { Logger } from '../server/log.ts';
import type { InboundMessage } from './inbound.ts';

/**
 * The durable inbox (platform reference §i): an inbound message is stored
 * under its msgId before the frame is acked, then worked from here. A
 * redelivered msgId finds its row and is not worked twice; a process killed
 * between ack and work finds its pending rows on restart and resumes them.
 * Messages of one conversation and sender are worked in arrival order.
 */
interface InboxItem {
  _id: string;
  /** 'failed' after the last attempt; being worked is recorded by an InboxDone marker, not here. */
  status: 'pending' | 'failed';
  message: InboundMessage;
  receivedAt: Date;
  attempts: number;
  lastError?: string;
}

const inboxSchema = new mongoose.Schema<InboxItem>(
  {
    _id: String,
    status: String,
    message: mongoose.Schema.Types.Mixed,
    receivedAt: Date,
    attempts: Number,
    lastError: String,
  },
  { versionKey: false, minimize: false },
);
inboxSchema.index({ status: 1 });

export function inboxModel(db: Db) {
  return model<InboxItem>(db, 'InboxItem', inboxSchema);
}

/**
 * "Worked" markers, one insert per finished item rather than an update of
 * the item: inserts batch (see InsertBatcher), updates do not.
 */
interface InboxDone {
  _id: string;
  at: Date;
}
const doneSchema = new mongoose.Schema<InboxDone>({ _id: String, at: Date }, { versionKey: false });

export function inboxDoneModel(db: Db) {
  return model<InboxDone>(db, 'InboxDone', doneSchema);
}

/** Items older than this are not resumed at start-up (DingTalk's own redelivery window is about a minute). */
const resumeWindowMs = 24 * 3600_000;

/** Messages with the same key are worked one after another, in arrival order. */
export function queueKey(message: InboundMessage): string {
  return `${message.conversationId}|${message.senderUserId}`;
}

/**
 * Works one message. `settled` may be called once the turn has stored its
 * dialogue state — before its replies go out — so the next message of the
 * conversation can start reading early (see `isIdleFor`).
 */
export type Worker = (message: InboundMessage, settled: () => void) => Promise<void>;

const maxAttempts = 5;

export class Inbox {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();
  /** Per queue key: messages scheduled here whose turn has not settled yet. */
  private readonly unsettled = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly work: Worker,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Stores the message (the caller acks the frame once this resolves) and
   * schedules its work. A msgId already stored is not scheduled again unless
   * it is still pending and not queued here (a resumed delivery).
   */
  async accept(message: InboundMessage): Promise<'new' | 'duplicate'> {
    const stored = await insertBatcher<InboxItem>(inboxModel(this.db)).insert({
      _id: message.msgId,
      status: 'pending',
      message,
      receivedAt: this.now(),
      attempts: 0,
    });
    if (stored === 'duplicate') {
      const [item, done] = await Promise.all([
        inboxModel(this.db).findById(message.msgId, { status: 1 }).lean(),
        inboxDoneModel(this.db).findById(message.msgId).lean(),
      ]);
      if (item?.status === 'pending' && !done) this.schedule(message);
      return 'duplicate';
    }
    this.schedule(message);
    return 'new';
  }

  /**
   * True when no message of this conversation and sender is queued here or
   * in a turn that has not stored its dialogue state yet: what the next turn
   * reads is then already what it will find.
   */
  isIdleFor(message: InboundMessage): boolean {
    return !this.unsettled.has(queueKey(message));
  }

  /** Picks up items a previous process stored but did not finish. */
  async resumePending(): Promise<number> {
    const since = new Date(this.now().getTime() - resumeWindowMs);
    const recent = await inboxModel(this.db)
      .find({ status: 'pending', receivedAt: { $gte: since } })
      .sort({ receivedAt: 1 })
      .lean();
    const done = new Set(
      (
        await inboxDoneModel(this.db)
          .find({ at: { $gte: since } }, { _id: 1 })
          .lean()
      ).map((d) => d._id),
    );
    const pending = recent.filter((item) => !done.has(item._id));
    for (const item of pending) this.schedule(item.message);
    if (pending.length > 0) this.logger.info({ count: pending.length }, 'resumed pending inbox items');
    return pending.length;
  }

  /** Resolves when every scheduled item has been worked (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()]);
  }

  private schedule(message: InboundMessage): void {
    if (this.queued.has(message.msgId)) return;
    this.queued.add(message.msgId);
    const key = queueKey(message);
    this.unsettled.set(key, (this.unsettled.get(key) ?? 0) + 1);
    let settledOnce = false;
    const settled = () => {
      if (settledOnce) return;
      settledOnce = true;
      const left = (this.unsettled.get(key) ?? 1) - 1;
      if (left > 0) this.unsettled.set(key, left);
      else this.unsettled.delete(key);
    };
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.run(message, settled)).finally(settled);
    this.queues.set(key, next);
    void next.finally(() => {
      this.queued.delete(message.msgId);
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  private async run(message: InboundMessage, settled: () => void): Promise<void> {
    const Inbox = inboxModel(this.db);
    for (let attempt = 1; ; attempt++) {
      try {
        // A retry runs the turn again after it may have settled: turns are
        // idempotent per msgId, so it stores the same state again, or nothing.
        await this.work(message, settled);
        await insertBatcher<InboxDone>(inboxDoneModel(this.db)).insert({
          _id: message.msgId,
          at: this.now(),
        });
        return;
      } catch (err) {
        const failed = attempt >= maxAttempts;
        this.logger.error(
          { err, msgId: message.msgId, attempt },
          failed ? 'inbox item failed for good' : 'inbox item failed; retrying',
        );
        try {
          await Inbox.updateOne(
            { _id: message.msgId },
            {
              $set: {
                lastError: String((err as Error).message ?? err).slice(0, 500),
                ...(failed ? { status: 'failed' } : {}),
              },
              $inc: { attempts: 1 },
            },
          );
        } catch {
          // The database itself is failing; the item stays pending for the next start.
        }
        if (failed) return;
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }
}
