import mongoose from 'mongoose';
import { insertBatcher } from '../db/insert-batcher.ts';
import { type Db, model } from '../db/mongo.ts';
import type { CardSpec, DingTalkPort } from '../dingtalk/dingtalk-client.ts';
import type { OutMessage } from '../dingtalk/message.ts';
import type { Logger } from '../log.ts';
import { maxDeliveryAttempts, retryDelayMs } from './backoff.ts';

/**
 * Every notice the product sends on its own initiative goes through this
 * outbox. `_id` is a key derived from what caused the notice
 * (`ticket-created:SD-2026-000001:sorting`), so the same cause enqueued twice
 * — a redelivered message, a sweep on two servers — is one notice. Delivery
 * claims each attempt with a unique insert (which doubles as a lease) before calling
 * DingTalk, so two workers never send the same item; a failure is retried with backoff, never dropped.
 */
export type Notice =
  | { kind: 'group'; conversationId: string; message: OutMessage }
  | { kind: 'users'; userIds: string[]; message: OutMessage }
  | { kind: 'workNotice'; userIds: string[]; message: OutMessage }
  | { kind: 'card'; card: CardSpec }
  | { kind: 'cardUpdate'; outTrackId: string; params: Record<string, string> };

interface OutboxItem {
  _id: string;
  notice: Notice;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  sentAt?: Date;
  lastError?: string;
}

const outboxSchema = new mongoose.Schema<OutboxItem>(
  {
    _id: String,
    notice: mongoose.Schema.Types.Mixed,
    status: String,
    attempts: Number,
    nextAttemptAt: Date,
    createdAt: Date,
    sentAt: Date,
    lastError: String,
  },
  { versionKey: false, minimize: false },
);
outboxSchema.index({ status: 1, nextAttemptAt: 1 });

export function outboxModel(db: Db) {
  return model<OutboxItem>(db, 'OutboxItem', outboxSchema);
}

/** Adds notices; keys already present are left as they are. Returns the keys that were new. */
export async function enqueue(
  db: Db,
  items: Array<{ key: string; notice: Notice }>,
  now: Date,
): Promise<string[]> {
  const batcher = insertBatcher<OutboxItem>(outboxModel(db));
  const results = await Promise.all(
    items.map((i) =>
      batcher.insert({
        _id: i.key,
        notice: i.notice,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
      }),
    ),
  );
  return items.filter((_, n) => results[n] === 'inserted').map((i) => i.key);
}

export async function deliver(dingtalk: DingTalkPort, notice: Notice): Promise<void> {
  switch (notice.kind) {
    case 'group':
      return dingtalk.sendToGroup(notice.conversationId, notice.message);
    case 'users':
      return dingtalk.sendToUsers(notice.userIds, notice.message);
    case 'workNotice':
      return dingtalk.sendWorkNotice(notice.userIds, notice.message);
    case 'card':
      return dingtalk.createCard(notice.card);
    case 'cardUpdate':
      return dingtalk.updateCard(notice.outTrackId, notice.params);
  }
}

const leaseMs = 60_000;

/**
 * Attempt claims: inserting `<key>#<attempt>` is what entitles a worker to
 * make that delivery attempt. FerretDB v1 applies conditional updates
 * without isolation (two workers can both "win" a findOneAndUpdate), so the
 * exclusive step is a unique-`_id` insert, which it does enforce.
 */
export interface AttemptClaim {
  _id: string;
  at: Date;
}
const attemptSchema = new mongoose.Schema<AttemptClaim>({ _id: String, at: Date }, { versionKey: false });

export function outboxAttemptModel(db: Db) {
  return model<AttemptClaim>(db, 'OutboxAttempt', attemptSchema);
}

/**
 * Delivers one item if it is due and nobody else is delivering it.
 * Returns what happened, for logs and tests.
 */
export async function deliverOne(
  db: Db,
  dingtalk: DingTalkPort,
  key: string,
  now: () => Date,
  logger?: Logger,
): Promise<'sent' | 'retry' | 'failed' | 'skipped'> {
  const Outbox = outboxModel(db);
  const t = now();
  const item = await Outbox.findById(key).lean();
  if (item?.status !== 'pending' || item.nextAttemptAt > t) return 'skipped';
  const attempt = item.attempts + 1;
  const claim = `${key}#${attempt}`;
  if (
    (await insertBatcher<AttemptClaim>(outboxAttemptModel(db)).insert({ _id: claim, at: t })) === 'duplicate'
  ) {
    // Another worker holds this attempt (its claim is its lease). If it died
    // before recording the outcome, move on to the next attempt number.
    const held = await outboxAttemptModel(db).findById(claim).lean();
    if (held && held.at.getTime() + leaseMs <= t.getTime()) {
      await Outbox.updateOne({ _id: key }, { $set: { attempts: attempt } });
    }
    return 'skipped';
  }
  try {
    await deliver(dingtalk, item.notice);
    await Outbox.updateOne({ _id: key }, { $set: { status: 'sent', sentAt: now(), attempts: attempt } });
    return 'sent';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const failed = attempt >= maxDeliveryAttempts;
    await Outbox.updateOne(
      { _id: key },
      {
        $set: {
          status: failed ? 'failed' : 'pending',
          attempts: attempt,
          lastError: message.slice(0, 500),
          nextAttemptAt: new Date(now().getTime() + retryDelayMs(attempt)),
        },
      },
    );
    logger?.warn(
      { key, attempt, err: message },
      failed ? 'notice failed for good' : 'notice will be retried',
    );
    return failed ? 'failed' : 'retry';
  }
}

/** Keys of pending items that are due (the worker's periodic pass). */
export async function dueKeys(db: Db, now: Date, limit = 200): Promise<string[]> {
  const rows = await outboxModel(db)
    .find({ status: 'pending', nextAttemptAt: { $lte: now } }, { _id: 1 })
    .sort({ nextAttemptAt: 1 })
    .limit(limit)
    .lean();
  return rows.map((r) => r._id);
}
