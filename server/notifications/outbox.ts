import mongoose from 'mongoose';
import { DomainError, type ErrorCode } from '../../shared/errors.ts';
import { syncBookingCalendar } from '../bookings/calendar-sync.ts';
import { insertBatcher } from '../db/insert-batcher.ts';
import { type Db, model } from '../db/mongo.ts';
import type { CardSpec, DingTalkPort } from '../dingtalk/dingtalk-client.ts';
import type { OutMessage } from '../dingtalk/message.ts';
import { isMailDeliveryError, type MailPort, type SendResult, stableMessageId } from '../email/mailer.ts';
import type { Logger } from '../log.ts';
import { maxDeliveryAttempts, retryDelayMs } from './backoff.ts';
import { type EmailNotice, emailNoticeSchema } from './email-notice.ts';

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
 * - A failure no retry can cure (UndeliverableError, a mail refused for good)
 *   marks the item failed at once, with the reason in `lastError`, logged at
 *   error; so does the last of `maxDeliveryAttempts`. Failed items stay.
 *
 * Email (`kind: 'email'`, email-notice.ts) goes the same way through the
 * Mailer; every attempt carries `Message-ID = stableMessageId(key, MAIL_FROM)`,
 * so a resend after a crash between "server said 250" and the sent marker is
 * the same mail to receivers (and one stored mail in the local sink).
 */
export type Notice =
  | { kind: 'group'; conversationId: string; message: OutMessage }
  | { kind: 'users'; userIds: string[]; message: OutMessage }
  | { kind: 'workNotice'; userIds: string[]; message: OutMessage }
  | { kind: 'card'; card: CardSpec }
  | { kind: 'cardUpdate'; outTrackId: string; params: Record<string, string> }
  /** Make the engineer's DingTalk calendar match the booking (server/bookings/calendar-sync.ts). */
  | { kind: 'bookingCalendar'; bookingId: string }
  | EmailNotice;

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
  /** What went only partly: recipients a mail server refused while accepting the mail for others. */
  note?: string;
}
const sentSchema = new mongoose.Schema<SentMarker>(
  { _id: String, at: Date, attempt: Number, note: String },
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

/**
 * A delivery that retrying cannot make succeed (no mailer configured, a
 * malformed stored notice): the item is marked failed at the first attempt.
 */
export class UndeliverableError extends DomainError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details ? { details } : {});
    this.name = 'UndeliverableError';
  }
}

/** Whether an error thrown by `deliver` means "give up now" rather than "try again later". */
export function isPermanentFailure(err: unknown): boolean {
  return err instanceof UndeliverableError || (isMailDeliveryError(err) && !err.retryable);
}

/** What delivery needs: DingTalk always, the mailer for email notices. */
export interface DeliveryPorts {
  dingtalk: DingTalkPort;
  /** For notices that read what they make true at delivery time (bookingCalendar). */
  db?: Db;
  mailer?: MailPort | undefined;
}

/**
 * Sends one notice. `key` is the item's key (the Message-ID of an email is
 * derived from it). Resolves with the mail server's answer for email.
 */
export async function deliver(
  ports: DeliveryPorts,
  key: string,
  notice: Notice,
): Promise<SendResult | undefined> {
  const { dingtalk } = ports;
  switch (notice.kind) {
    case 'group':
      return void (await dingtalk.sendToGroup(notice.conversationId, notice.message));
    case 'users':
      return void (await dingtalk.sendToUsers(notice.userIds, notice.message));
    case 'workNotice':
      return void (await dingtalk.sendWorkNotice(notice.userIds, notice.message));
    case 'card':
      return void (await dingtalk.createCard(notice.card));
    case 'cardUpdate':
      return void (await dingtalk.updateCard(notice.outTrackId, notice.params));
    case 'email':
      return sendEmail(ports.mailer, key, notice);
    case 'bookingCalendar':
      if (!ports.db) throw new UndeliverableError('internal', 'bookingCalendar needs the database');
      return void (await syncBookingCalendar(ports.db, dingtalk, notice.bookingId));
  }
}

async function sendEmail(
  mailer: MailPort | undefined,
  key: string,
  notice: EmailNotice,
): Promise<SendResult> {
  if (!mailer)
    throw new UndeliverableError(
      'unavailable',
      '未配置邮件发送，邮件通知无法投递 / no mailer configured: email notices cannot be delivered',
    );
  // Stored as Mixed: check what was stored before handing it to SMTP.
  const parsed = emailNoticeSchema.safeParse(notice);
  if (!parsed.success)
    throw new UndeliverableError(
      'validation',
      `邮件通知无效 / invalid email notice: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const mail = parsed.data;
  return mailer.send({
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: stableMessageId(key, mailer.from),
    ...(mail.headers ? { headers: mail.headers } : {}),
  });
}

export type DeliveryOutcome = 'sent' | 'alreadySent' | 'retry' | 'failed' | 'skipped';

/** Options of one delivery attempt. */
export interface DeliverItemOptions {
  /** Look for the sent marker first (the pass; not needed right after enqueueing). */
  checkSent?: boolean;
  /** The mailer for email notices; without it an email item fails with a clear reason. */
  mailer?: MailPort | undefined;
}

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
  opts: DeliverItemOptions = {},
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
  let result: SendResult | undefined;
  try {
    result = await deliver({ dingtalk, mailer: opts.mailer, db }, key, item.notice);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const permanent = isPermanentFailure(err);
    const failed = permanent || attempt >= maxDeliveryAttempts;
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
    const fields = { key, kind: item.notice.kind, attempt, err: message, ...failureDetails(err) };
    if (failed)
      logger?.error(
        fields,
        permanent ? 'notice cannot be delivered, marked failed' : 'notice failed for good',
      );
    else logger?.warn(fields, 'notice will be retried');
    return failed ? 'failed' : 'retry';
  }
  const note = result ? await afterPartialMail(db, item, result, attempt, now(), logger) : undefined;
  await insertBatcher<SentMarker>(outboxSentModel(db)).insert({
    _id: key,
    at: now(),
    attempt,
    ...(note ? { note } : {}),
  });
  return 'sent';
}

function failureDetails(err: unknown): Record<string, unknown> {
  if (!isMailDeliveryError(err)) return {};
  return {
    mailFailure: err.kind,
    ...(err.responseCode !== undefined ? { responseCode: err.responseCode } : {}),
    ...(err.smtpErrorCode ? { smtpErrorCode: err.smtpErrorCode } : {}),
  };
}

/** Key of the item that retries the recipients a server deferred (4xx) while accepting the mail for others. */
export function deferredRecipientsKey(key: string, attempt: number): string {
  return `${key}:deferred-rcpt:${attempt}`;
}

/**
 * A mail accepted for some recipients and refused for others is sent (the
 * accepted ones have it; resending would give them a second copy). Nobody
 * is dropped silently: recipients refused for good are logged at error and
 * noted on the sent marker; those refused for now get a follow-up item of
 * their own (`deferredRecipientsKey`), delivered by the pass after the
 * safety net and retried like any other.
 */
async function afterPartialMail(
  db: Db,
  item: OutboxItem,
  result: SendResult,
  attempt: number,
  at: Date,
  logger: Logger | undefined,
): Promise<string | undefined> {
  if (item.notice.kind !== 'email' || result.rejected.length === 0) return undefined;
  const errors = new Map(result.rejectedErrors.map((e) => [e.recipient.toLowerCase(), e]));
  const refusal = (r: string) => errors.get(r.toLowerCase());
  const gone = result.rejected.filter((r) => refusal(r)?.retryable === false);
  const deferred = result.rejected.filter((r) => refusal(r)?.retryable !== false);
  const describe = (r: string) => {
    const e = refusal(r);
    return `${r}${e?.response ? ` (${e.response.slice(0, 200)})` : ''}`;
  };
  const parts: string[] = [];
  if (gone.length > 0) {
    parts.push(`拒收 / refused: ${gone.map(describe).join(', ')}`);
    logger?.error(
      { key: item._id, attempt, refused: gone.map(describe) },
      'mail refused for good for some recipients',
    );
  }
  if (deferred.length > 0) {
    const followUp = deferredRecipientsKey(item._id, attempt);
    await enqueue(db, [{ key: followUp, notice: { ...item.notice, to: deferred } }], at);
    parts.push(`暂缓，另行重试 / deferred, retried as ${followUp}: ${deferred.map(describe).join(', ')}`);
    logger?.warn(
      { key: item._id, attempt, deferred: deferred.map(describe), followUp },
      'mail deferred for some recipients, retried separately',
    );
  }
  return parts.join('; ').slice(0, 1000);
}

/** Delivers one stored item by key (the pass, tests). */
export async function deliverOne(
  db: Db,
  dingtalk: DingTalkPort,
  key: string,
  now: () => Date,
  logger?: Logger,
  opts: { mailer?: MailPort | undefined } = {},
): Promise<DeliveryOutcome> {
  const item = await outboxModel(db).findById(key).lean();
  if (!item || item.nextAttemptAt > now()) return 'skipped';
  return deliverItem(db, dingtalk, item, now, logger, { checkSent: true, mailer: opts.mailer });
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

/** Items given up on, newest first, with `lastError` (tests, the admin view). */
export async function failedItems(db: Db, limit = 200): Promise<OutboxItem[]> {
  return outboxModel(db).find({ status: 'failed' }).sort({ nextAttemptAt: -1 }).limit(limit).lean();
}
