import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/mongo.ts';
import { type SessionDoc, type SessionEndReason, sessionModel } from './session-model.ts';

/**
 * Sessions: random tokens, stored hashed, with an idle expiry (no use for
 * `idleMs`), an absolute expiry (`absoluteMs` after sign-in, whatever the
 * use) and rotation (a new token after `rotateMs` of use). The clock is
 * injected (tests move it).
 *
 * Two requests that carry the same token at the moment it is due for
 * rotation may both rotate it (FerretDB does not isolate the update that
 * marks it replaced): the browser keeps the last cookie, the other successor
 * is never used again and expires when idle. Nothing is shared between them.
 */
export interface SessionSettings {
  idleMs: number;
  absoluteMs: number;
  rotateMs: number;
}

/** How long a rotated-away token still works: requests already in flight carry it. */
export const rotationGraceMs = 60_000;
/** `lastSeenAt` is written at most this often (idle expiry is exact to within this). */
const touchEveryMs = 60_000;
const purgeEveryMs = 60 * 60_000;

export interface LiveSession {
  id: string;
  userId: string;
  signedInAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

export type Resolved =
  | { ok: true; session: LiveSession; rotatedToken?: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'ended' };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A token as the cookie carries it: 43 base64url characters. Anything else is not looked up. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export class SessionStore {
  private lastPurge = 0;

  constructor(
    private readonly db: Db,
    private readonly settings: SessionSettings,
    private readonly now: () => Date,
  ) {}

  get idleMs(): number {
    return this.settings.idleMs;
  }

  async create(userId: string): Promise<{ token: string; session: LiveSession }> {
    const now = this.now();
    const token = newToken();
    const doc: SessionDoc = {
      _id: hashToken(token),
      userId,
      signedInAt: now,
      issuedAt: now,
      lastSeenAt: now,
      absoluteExpiresAt: new Date(now.getTime() + this.settings.absoluteMs),
    };
    await sessionModel(this.db).create(doc);
    this.purgeNowAndThen(now);
    return { token, session: this.live(doc) };
  }

  /**
   * The session a token names, if it is alive. Touches it (at most once a
   * minute) and rotates it when its token is older than `rotateMs`: the
   * caller must then send `rotatedToken` to the client.
   */
  async resolve(token: string): Promise<Resolved> {
    if (!isWellFormedToken(token)) return { ok: false, reason: 'unknown' };
    const model = sessionModel(this.db);
    const doc = await model.findById(hashToken(token)).lean<SessionDoc>();
    if (!doc) return { ok: false, reason: 'unknown' };
    if (doc.endedAt) return { ok: false, reason: 'ended' };
    const now = this.now();
    const t = now.getTime();
    if (t >= doc.absoluteExpiresAt.getTime() || t >= doc.lastSeenAt.getTime() + this.settings.idleMs) {
      return { ok: false, reason: 'expired' };
    }
    if (doc.replacedBy) {
      // A request that left before the rotation reached the client: served, not rotated again.
      if (!doc.replacedAt || t >= doc.replacedAt.getTime() + rotationGraceMs) {
        return { ok: false, reason: 'expired' };
      }
      return { ok: true, session: this.live(doc) };
    }
    if (t >= doc.issuedAt.getTime() + this.settings.rotateMs) {
      const rotatedToken = newToken();
      const successor: SessionDoc = {
        _id: hashToken(rotatedToken),
        userId: doc.userId,
        signedInAt: doc.signedInAt,
        issuedAt: now,
        lastSeenAt: now,
        absoluteExpiresAt: doc.absoluteExpiresAt,
        previousId: doc._id,
      };
      await model.create(successor);
      await model.updateOne({ _id: doc._id }, { $set: { replacedBy: successor._id, replacedAt: now } });
      return { ok: true, session: this.live(successor), rotatedToken };
    }
    if (t - doc.lastSeenAt.getTime() >= touchEveryMs) {
      await model.updateOne({ _id: doc._id }, { $set: { lastSeenAt: now } });
      return { ok: true, session: this.live({ ...doc, lastSeenAt: now }) };
    }
    return { ok: true, session: this.live(doc) };
  }

  /** Ends the session a token names, and the token it replaced (still usable during the grace). */
  async end(token: string, reason: SessionEndReason): Promise<void> {
    if (!isWellFormedToken(token)) return;
    const model = sessionModel(this.db);
    const id = hashToken(token);
    const doc = await model.findById(id).lean<SessionDoc>();
    if (!doc || doc.endedAt) return;
    const ended = { $set: { endedAt: this.now(), endReason: reason } };
    await model.updateOne({ _id: id }, ended);
    if (doc.previousId) await model.updateOne({ _id: doc.previousId }, ended);
  }

  /** Deletes sessions past their absolute expiry; run at most once an hour, after a sign-in. */
  private purgeNowAndThen(now: Date): void {
    if (now.getTime() - this.lastPurge < purgeEveryMs) return;
    this.lastPurge = now.getTime();
    sessionModel(this.db)
      .deleteMany({ absoluteExpiresAt: { $lt: now } })
      .catch(() => {
        this.lastPurge = 0; // try again after the next sign-in
      });
  }

  private live(doc: SessionDoc): LiveSession {
    return {
      id: doc._id,
      userId: doc.userId,
      signedInAt: doc.signedInAt,
      idleExpiresAt: new Date(
        Math.min(doc.lastSeenAt.getTime() + this.settings.idleMs, doc.absoluteExpiresAt.getTime()),
      ),
      absoluteExpiresAt: doc.absoluteExpiresAt,
    };
  }
}
