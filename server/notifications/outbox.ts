import mongoose from 'mongoose';
import { insertBatcher } from '../db/insert-batcher.ts';
import { type Db, model } from '../db/mongo.ts';
import type { CardSpec, DingTalkPort } from '../dingtalk/dingtalk-client.ts';
import type { OutMessage } from '../dingtalk/message.ts';
import type { Logger } from '../log.ts';
import { maxDeliveryAttempts, retryDelayMs } from './backoff.ts';

/**
 * Every notice the product sends on its own initiative goes through this
 * outbox, exactly once:
 *
 * - `_id` is a key derived from what caused the notice
 *   (`ticket-created:SD-2026-000001:sorting`), so the same cause enqueued
 *   twice — a redelivered message, a sweep on two servers — is one item.
 * - Each delivery attempt is claimed by inserting `<key>#<n>`; only the
 *   claimant calls DingTalk, so two workers never send the same item. The
 *   claim's time is its lease: a claimant that died is taken over after it.
 * - Success is recorded by inserting a sent marker (`_id` = key). Inserts
 *   batch and updates do not (see InsertBatcher; FerretDB v1 serialises
 *   updates), so the hot path writes only inserts. Failures (rare) update the
 *   item with its next attempt time: retried with backoff, never dropped.
 * - The periodic pass looks at items whose safety-net time has come
 *   (`nextAttemptAt`, enqueue + 30 s): sent ones are removed, the others
 *   (their process died, or a retry is due) are delivered.
 */
export type Notice =
  | { kind: 'group'; conversationId: string; message: OutMessage }
  | { kind: 'users'; userIds: string[]; message: OutMessage }
  | { kind: 'workNotice'; userIds: string[]; message: OutMessage }
  | { kind: 'card'; card: CardSpec }
  | { kind: 'cardUpdate'; outTrackId: string; params: Record<string, string> };

export interface OutboxItem {
  _id: string;
  notice: Notice;
  status: 'pending' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
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
    lastError: String,
  },
  { versionKey: false, minimize: false },
);
outboxSchema.index({ status: 1, nextAttemptAt: 1 });

export function outboxModel(db: Db) {
  return model<OutboxItem>(db, 'OutboxItem', outboxSchema);
}

export interface AttemptClaim {
  _id: string;
  at: Date;
}
const attemptSchema = new mongoose.Schema<AttemptClaim>({ _id: String, at: Date }, { versionKey: false });

export function outboxAttemptModel(db: Db) {
  return model<AttemptClaim>(db, 'OutboxAttempt', attemptSchema);
}

export interface SentMarker {
  _id: string;
  at: Date;
  attempt: number;
}
const sentSchema = new mongoose.Schema<SentMarker>(
  { _id: String, at: Date, attempt: Number },
  { versionKey: false },
);

export function outboxSentModel(db: Db) {
  return model<SentMarker>(db, 'OutboxSent', sentSchema);
}

/** How long after enqueueing the periodic pass checks that an item went out. */
export const safetyNetMs = 30_000;
const leaseMs = 60_000;

/** Adds notices; keys already present are left as they are. Returns the items that were new. */
export async function enqueue(
  db: Db,
  items: Array<{ key: string; notice: Notice }>,
  now: Date,
): Promise<OutboxItem[]> {
  const batcher = insertBatcher<OutboxItem>(outboxModel(db));
  const docs: OutboxItem[] = items.map((i) => ({
    _id: i.key,
    notice: i.notice,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(now.getTime() + safetyNetMs),
    createdAt: now,
  }));
  const results = await Promise.all(docs.map((d) => batcher.insert(d)));
  return docs.filter((_, n) => results[n] === 'inserted');
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

export type DeliveryOutcome = 'sent' | 'alreadySent' | 'retry' | 'failed' | 'skipped';

/**
 * Makes the next delivery attempt of an item if nobody else is making it.
 * `item` is the stored item as just enqueued (immediate delivery) or as read
 * by the pass; the pass also checks the sent marker first.
 */
export async function deliverItem(
  db: Db,
  dingtalk: DingTalkPort,
  item: OutboxItem,
  now: () => Date,
  logger?: Logger,
  opts: { checkSent?: boolean } = {},
): Promise<DeliveryOutcome> {
  const key = item._id;
  if (item.status !== 'pending') return 'skipped';
  if (opts.checkSent && (await outboxSentModel(db).findById(key).lean())) return 'alreadySent';
  const t = now();
  const attempt = item.attempts + 1;
  const claim = `${key}#${attempt}`;
  if (
    (await insertBatcher<AttemptClaim>(outboxAttemptModel(db)).insert({ _id: claim, at: t })) === 'duplicate'
  ) {
    const held = await outboxAttemptModel(db).findById(claim).lean();
    if (held && held.at.getTime() + leaseMs <= t.getTime()) {
      // Its holder died before recording the outcome: the next pass makes the next attempt.
      await outboxModel(db).updateOne({ _id: key }, { $set: { attempts: attempt } });
    }
    return 'skipped';
  }
  try {
    await deliver(dingtalk, item.notice);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const failed = attempt >= maxDeliveryAttempts;
    await outboxModel(db).updateOne(
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
  await insertBatcher<SentMarker>(outboxSentModel(db)).insert({ _id: key, at: now(), attempt });
  return 'sent';
}

/** Delivers one stored item by key (the pass, tests). */
export async function deliverOne(
  db: Db,
  dingtalk: DingTalkPort,
  key: string,
  now: () => Date,
  logger?: Logger,
): Promise<DeliveryOutcome> {
  const item = await outboxModel(db).findById(key).lean();
  if (!item || item.nextAttemptAt > now()) return 'skipped';
  return deliverItem(db, dingtalk, item, now, logger, { checkSent: true });
}

/** Pending items whose time has come (the worker's periodic pass). */
export async function dueItems(db: Db, now: Date, limit = 200): Promise<OutboxItem[]> {
  return outboxModel(db)
    .find({ status: 'pending', nextAttemptAt: { $lte: now } })
    .sort({ nextAttemptAt: 1 })
    .limit(limit)
    .lean();
}

/** Removes items known to be sent; their sent markers keep them from going out again. */
export async function removeSent(db: Db, keys: string[]): Promise<void> {
  if (keys.length > 0) await outboxModel(db).deleteMany({ _id: { $in: keys } });
}

/** Whether a notice went out (tests, the admin view). */
export async function isSent(db: Db, key: string): Promise<boolean> {
  return !!(await outboxSentModel(db).findById(key).lean());
}
